"use client";

import { useActionState } from "react";
import type { FormState } from "@/lib/actions/form";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/** A one-button form (Send now, Cancel, End) that shows its outcome beside it; `fields` go with it. */
export function ActionButton({
  action,
  label,
  confirm,
  danger,
  testId,
  fields = {},
  ariaLabel,
}: {
  action: Action;
  label: string;
  confirm?: string;
  danger?: boolean;
  testId?: string;
  fields?: Record<string, string>;
  ariaLabel?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
      className="inline-flex flex-wrap items-center gap-2"
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        disabled={pending}
        aria-label={ariaLabel}
        data-testid={testId}
        className={`rounded px-3 py-1.5 text-sm font-semibold disabled:opacity-60 ${danger ? "border border-red-300 text-red-700 hover:bg-red-50" : "bg-brand-700 text-white hover:bg-brand-900"}`}
      >
        {label}
      </button>
      {state.message && (
        <span role="status" className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state.message}
        </span>
      )}
    </form>
  );
}
