"use client";

import { useActionState, useEffect, useId, useRef } from "react";
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

/**
 * The answer's place, kept in the window: the page above may grow with it (a new code in the
 * room's top 10), and the refreshed page may arrive a moment after the answer, so its growth is
 * followed for a second.
 */
function useAnswerInSight(state: { message?: string; errors?: unknown }) {
  const status = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!(state.message || state.errors)) return;
    // Read at each call: the refresh may render the form again.
    const keepInSight = () => status.current?.scrollIntoView({ block: "nearest" });
    keepInSight();
    const observer = new ResizeObserver(keepInSight);
    observer.observe(document.body);
    const done = setTimeout(() => observer.disconnect(), 1_000);
    return () => {
      observer.disconnect();
      clearTimeout(done);
    };
  }, [state]);
  return status;
}

/** A billing code field with the account's codes as suggestions; errors shown at the field. */
export function BillingCodeForm({ action, labels, suggestions, defaultValue, children, before, compact }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const id = useId();
  const status = useAnswerInSight(state);
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
        <div ref={status} role="status" aria-live="polite" className={compact ? "min-w-0 max-w-xl" : "mt-3 empty:mt-0"}>
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
