"use client";

import { useActionState } from "react";
import { Field, inputClass } from "@/components/field";
import type { FormState } from "@/lib/actions/form";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;
export type ApiKeyFormLabels = { name: string; nameHint: string; create: string; creating: string; secretTitle: string; secretIntro: string; copyHint: string };

/** The key just made, shown once: selectable in one click, with how to copy it. */
function NewKey({ secret, labels }: { secret: string; labels: ApiKeyFormLabels }) {
  return (
    <section aria-labelledby="new-key-title" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-4" data-testid="new-key">
      <h3 id="new-key-title" className="font-semibold text-emerald-900">
        {labels.secretTitle}
      </h3>
      <p className="text-sm text-slate-700">{labels.secretIntro}</p>
      <input
        readOnly
        value={secret}
        aria-label={labels.secretTitle}
        aria-describedby="new-key-hint"
        onFocus={(e) => e.currentTarget.select()}
        className="block w-full rounded border border-slate-300 bg-white px-2 py-1.5 font-mono text-sm text-slate-900"
        data-testid="new-key-secret"
      />
      <p id="new-key-hint" className="text-xs text-slate-600">
        {labels.copyHint}
      </p>
    </section>
  );
}

/** Create a key: its name; once made, the key itself, this once. */
export function ApiKeyForm({ action, labels }: { action: Action; labels: ApiKeyFormLabels }) {
  const [state, formAction, pending] = useActionState(action, {});
  const secret = state.ok ? state.shownOnce?.[0] : undefined;
  return (
    <div className="space-y-4">
      <form action={formAction} className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field id="api-key-name" name="name" label={labels.name} hint={labels.nameHint} errors={state.errors?.name} className="w-full sm:max-w-sm">
          {(control) => <input {...control} maxLength={60} required autoComplete="off" defaultValue={state.ok ? "" : state.values?.name} className={inputClass(control["aria-invalid"])} data-testid="api-key-name" />}
        </Field>
        <button type="submit" disabled={pending} className="self-start rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60 sm:mt-6" data-testid="create-api-key">
          {pending ? labels.creating : labels.create}
        </button>
      </form>
      {state.message && (
        <p role="status" className={`text-sm ${state.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state.message}
        </p>
      )}
      {secret && <NewKey key={secret} secret={secret} labels={labels} />}
    </div>
  );
}
