"use client";

import { useActionState, useId } from "react";
import { Field } from "@/components/field";
import type { FormState } from "@/lib/actions/form";

type Labels = { billingCode: string; submit: string; hint: string };

type Props = {
  action: (state: FormState, formData: FormData) => Promise<FormState>;
  labels: Labels;
  suggestions: string[];
  defaultValue?: string;
  /** Extra fields (checkboxes, options) rendered inside the form, after the code and its button. */
  children?: React.ReactNode;
  /** Fields before the code (the clean-up's "select all"), first in the focus order. */
  before?: React.ReactNode;
  compact?: boolean;
};

/** A billing code field with the account's codes as suggestions; errors shown at the field. */
export function BillingCodeForm({ action, labels, suggestions, defaultValue, children, before, compact }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const id = useId();
  const errors = state.errors?.code ?? [];
  const other = Object.entries(state.errors ?? {}).filter(([field]) => field !== "code").flatMap(([, messages]) => messages);
  return (
    <form action={formAction} className={compact ? "flex flex-wrap items-start gap-3" : "space-y-3"} data-testid="billing-code-form">
      {before}
      <div className={`no-print ${compact ? "flex flex-wrap items-start gap-2" : ""}`}>
        <Field
          id={`${id}-code`}
          name="code"
          label={labels.billingCode}
          hint={labels.hint}
          errors={errors}
          className="contents"
          labelClassName={compact ? "pt-1.5 text-sm font-medium text-slate-700" : "block text-sm font-medium text-slate-700"}
        >
          {(control) => (
            <>
              <input
                {...control}
                list={`${id}-codes`}
                defaultValue={state.ok ? defaultValue : (state.values?.code ?? defaultValue)}
                maxLength={40}
                autoComplete="off"
                className={`mt-0 block w-56 rounded border px-2 py-1.5 text-sm focus:outline-none focus:ring-2 ${errors.length ? "border-red-500 focus:ring-red-300" : "border-slate-300 focus:border-brand-500 focus:ring-brand-500/30"}`}
              />
              <datalist id={`${id}-codes`}>
                {suggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <button type="submit" disabled={pending} className="rounded bg-brand-700 px-4 py-1.5 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
          {labels.submit}
        </button>
        {/* Beside the button, not under a long table: where the eye and the screen reader are (the live region is there before it speaks). */}
        <div role="status" aria-live="polite" className={compact ? "min-w-0 max-w-xl" : "mt-3 empty:mt-0"}>
          {(state.message || other.length > 0) && (
            <p
              data-testid="form-message"
              className={`rounded border px-3 py-1.5 text-sm ${state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-800"}`}
            >
              {[state.message, ...other].filter(Boolean).join(" ")}
            </p>
          )}
        </div>
      </div>
      {children}
    </form>
  );
}
