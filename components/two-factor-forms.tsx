"use client";

import { useActionState, type ReactNode } from "react";
import type { FormState } from "@/lib/actions/form";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

export type CodeFormLabels = { code: string; submit: string; submitting: string };

/** One code field and its button; the field's error below it, tied to it with aria-describedby. */
function CodeFields({ id, labels, state, pending, danger }: { id: string; labels: CodeFormLabels; state: FormState; pending: boolean; danger?: boolean }) {
  const error = state.errors?.code?.[0];
  return (
    <div className="space-y-3">
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700">
          {labels.code}
        </label>
        <input
          id={id}
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={20}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={`num block w-48 rounded border px-3 py-2 text-lg tracking-[0.2em] shadow-inner focus:outline-none focus:ring-2 ${error ? "border-red-400 focus:border-red-500 focus:ring-red-500/30" : "border-slate-300 focus:border-brand-500 focus:ring-brand-500/30"}`}
        />
        {error && (
          <p id={`${id}-error`} role="alert" className="text-sm font-medium text-red-700">
            {error}
          </p>
        )}
      </div>
      <button
        type="submit"
        disabled={pending}
        className={`rounded px-4 py-2.5 font-semibold disabled:opacity-60 ${danger ? "border border-red-300 bg-white text-red-700 hover:bg-red-50" : "bg-brand-700 text-white shadow hover:bg-brand-900"}`}
      >
        {pending ? labels.submitting : labels.submit}
      </button>
    </div>
  );
}

/** Recovery codes just made, shown once, in a grid that prints well. */
function RecoveryCodes({ codes, title, intro, print }: { codes: string[]; title: string; intro: string; print: string }) {
  return (
    <section aria-labelledby="recovery-title" className="space-y-3" data-testid="recovery-codes">
      <h2 id="recovery-title" className="text-lg font-semibold text-brand-900">
        {title}
      </h2>
      <p className="text-sm text-slate-700">{intro}</p>
      <ol className="grid grid-cols-2 gap-x-6 gap-y-2 rounded border border-slate-300 bg-slate-50 px-5 py-4 font-mono text-base text-slate-900 sm:grid-cols-2" aria-label={title}>
        {codes.map((code) => (
          <li key={code} className="tracking-wider" data-testid="recovery-code">
            {code}
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => window.print()} className="no-print rounded border border-slate-300 px-3 py-1.5 text-sm font-semibold text-slate-700 hover:bg-slate-50">
        {print}
      </button>
    </section>
  );
}

export type EnrolmentLabels = CodeFormLabels & { codeStep: string; enabled: string; recoveryTitle: string; recoveryIntro: string; print: string; continue: string };

/**
 * The steps of enrolment (`steps`: the QR code and the key, rendered on the server) and the code
 * that confirms them; once confirmed, the recovery codes in their place, and the way on.
 */
export function EnrolmentForm({ action, steps, labels, back }: { action: Action; steps: ReactNode; labels: EnrolmentLabels; back?: { href: string; label: string } }) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.ok && state.shownOnce) {
    return (
      <div className="space-y-6">
        <p role="status" className="rounded border border-emerald-200 bg-emerald-50 px-3 py-2 font-medium text-emerald-900">
          {state.message}
        </p>
        <RecoveryCodes codes={state.shownOnce} title={labels.recoveryTitle} intro={labels.recoveryIntro} print={labels.print} />
        {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full page load: the server reads the session again, now with its second factor */}
        <a href="/" className="no-print inline-block rounded bg-brand-700 px-4 py-2.5 font-semibold text-white shadow hover:bg-brand-900" data-testid="continue">
          {labels.continue}
        </a>
      </div>
    );
  }
  return (
    <>
      <ol className="space-y-8">
        {steps}
        <li className="space-y-3">
          <StepHeading number={2}>{labels.codeStep}</StepHeading>
          <form action={formAction} noValidate>
            <CodeFields id="enrol-code" labels={labels} state={state} pending={pending} />
          </form>
        </li>
      </ol>
      {back && (
        <p className="no-print mt-6 border-t border-slate-200 pt-4 text-sm">
          <a href={back.href} className="font-medium text-brand-700 hover:underline">
            ← {back.label}
          </a>
        </p>
      )}
    </>
  );
}

/** A code-confirmed change on the security page (turn off, new recovery codes); new codes shown once. */
export function CodeActionForm({
  id,
  action,
  labels,
  danger,
  recovery,
}: {
  id: string;
  action: Action;
  labels: CodeFormLabels;
  danger?: boolean;
  recovery?: { title: string; intro: string; print: string };
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <div className="space-y-4">
      <form action={formAction} noValidate data-testid={id}>
        <CodeFields id={id} labels={labels} state={state} pending={pending} danger={danger} />
      </form>
      {state.ok && state.message && (
        <p role="status" className="font-medium text-emerald-800">
          {state.message}
        </p>
      )}
      {state.ok && state.shownOnce && recovery && <RecoveryCodes codes={state.shownOnce} {...recovery} />}
    </div>
  );
}

/** A numbered step of enrolment: its number in a dot, then what to do. */
export function StepHeading({ number, children }: { number: number; children: ReactNode }) {
  return (
    <h2 className="flex items-baseline gap-2 font-semibold text-slate-900">
      <span className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-brand-700 text-sm text-white" aria-hidden="true">
        {number}
      </span>
      {children}
    </h2>
  );
}
