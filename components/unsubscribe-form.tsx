"use client";

import { useActionState } from "react";

/** The one button that confirms an unsubscription, then says it is done. */
export function UnsubscribeForm({ action, labels }: { action: () => Promise<{ ok: boolean }>; labels: { button: string; done: string; invalid: string } }) {
  const [state, formAction, pending] = useActionState(async () => action(), null);
  if (state) {
    return (
      <p role="status" data-testid="unsubscribe-result" className={`rounded border px-3 py-2 text-sm ${state.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-800"}`}>
        {state.ok ? labels.done : labels.invalid}
      </p>
    );
  }
  return (
    <form action={formAction}>
      <button type="submit" disabled={pending} className="rounded bg-brand-700 px-5 py-2 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
        {labels.button}
      </button>
    </form>
  );
}
