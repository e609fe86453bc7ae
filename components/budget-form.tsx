"use client";

import { useActionState, useState } from "react";
import { Field, inputClass, SelectField } from "@/components/field";
import type { FormState } from "@/lib/actions/form";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;
export type BudgetFormLabels = {
  target: string;
  targets: { account: string; room: string; code: string };
  room: string;
  roomHint: string;
  code: string;
  codeHint: string;
  amount: string;
  amountHint: string;
  notify: string;
  save: string;
  saving: string;
};

/** Set a budget: for what (the account, a room by its number, a billing code), the monthly amount, and whether a room's holder is told. */
export function BudgetForm({ action, labels }: { action: Action; labels: BudgetFormLabels }) {
  const [state, formAction, pending] = useActionState(action, {});
  const kept = state.ok ? {} : (state.values ?? {});
  const [target, setTarget] = useState("account");
  // Each answer mounts the form anew from what it keeps (empty after a success): React resets a
  // form after its action, which would put the select back on its first option under our fields.
  const [answered, setAnswered] = useState({ state, count: 0 });
  if (answered.state !== state) {
    setAnswered({ state, count: answered.count + 1 });
    setTarget(kept.target ?? "account");
  }
  return (
    <form key={answered.count} action={formAction} className="space-y-4" data-testid="budget-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id="budget-target"
          name="target"
          label={labels.target}
          errors={state.errors?.target}
          defaultValue={target}
          onChange={(e) => setTarget(e.currentTarget.value)}
          options={Object.entries(labels.targets)}
          data-testid="budget-target"
        />
        {target === "room" && (
          <Field id="budget-room" name="room" label={labels.room} hint={labels.roomHint} errors={state.errors?.room}>
            {(control) => <input {...control} inputMode="numeric" autoComplete="off" maxLength={12} required defaultValue={kept.room} className={inputClass(control["aria-invalid"])} data-testid="budget-room" />}
          </Field>
        )}
        {target === "code" && (
          <Field id="budget-code" name="code" label={labels.code} hint={labels.codeHint} errors={state.errors?.code}>
            {(control) => <input {...control} autoComplete="off" maxLength={20} required defaultValue={kept.code} className={inputClass(control["aria-invalid"])} data-testid="budget-code" />}
          </Field>
        )}
        <Field id="budget-amount" name="amount" label={labels.amount} hint={labels.amountHint} errors={state.errors?.amount}>
          {(control) => <input {...control} inputMode="decimal" autoComplete="off" maxLength={24} required defaultValue={kept.amount} className={inputClass(control["aria-invalid"])} data-testid="budget-amount" />}
        </Field>
      </div>
      {target === "room" && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="notify" value="on" defaultChecked={kept.notify === "on"} className="h-4 w-4 accent-brand-700" data-testid="budget-notify" />
          {labels.notify}
        </label>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60" data-testid="save-budget">
          {pending ? labels.saving : labels.save}
        </button>
        {state.message && (
          <p role="status" className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`} data-testid="budget-form-status">
            {state.message}
          </p>
        )}
      </div>
    </form>
  );
}

/** A budget's *Change*: its new amount (and, for a room, whether its holder is told), inline. */
export function BudgetChangeForm({ action, labels, amount, notify, room, idPrefix }: { action: Action; labels: { amount: string; notify: string; change: string; changeLabel: string; saving: string }; amount: string; notify: boolean; room: boolean; idPrefix: string }) {
  const [state, formAction, pending] = useActionState(action, {});
  const values = state.ok ? undefined : state.values;
  return (
    <form action={formAction} className="space-y-2" data-testid="budget-change-form">
      <div className="flex flex-wrap items-end gap-2">
        <Field id={`${idPrefix}-amount`} name="amount" label={labels.amount} errors={state.errors?.amount} className="w-full sm:w-56" labelClassName="block text-xs font-medium text-slate-600">
          {(control) => <input {...control} inputMode="decimal" autoComplete="off" maxLength={24} required defaultValue={values?.amount ?? amount} className={inputClass(control["aria-invalid"])} data-testid="budget-new-amount" />}
        </Field>
        <button type="submit" disabled={pending} aria-label={labels.changeLabel} className="mb-0.5 rounded border border-brand-700 px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50 disabled:opacity-60" data-testid="change-budget">
          {pending ? labels.saving : labels.change}
        </button>
      </div>
      {room && (
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="notify" value="on" defaultChecked={values ? values.notify === "on" : notify} className="h-4 w-4 accent-brand-700" />
          {labels.notify}
        </label>
      )}
      {state.message && (
        <p role="status" className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state.message}
        </p>
      )}
    </form>
  );
}
