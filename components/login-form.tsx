"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent } from "react";
import { Field } from "@/components/field";
import { landingPath } from "@/lib/actions/sessions";
import { LOGIN_ERRORS } from "@/lib/auth/login-errors";

export type LoginLabels = {
  title: string;
  intro: string;
  username: string;
  usernameHint: string;
  password: string;
  number: string;
  submit: string;
  submitting: string;
  invalid: string;
  locked: string;
  error: string;
  codeTitle: string;
  codeIntro: string;
  code: string;
  codeHint: string;
  codeSubmit: string;
  codeSubmitting: string;
  invalidCode: string;
  startOver: string;
};

type Step1 = { username: string; password: string; number: string };
/** What went wrong, kept as a kind (not as text), so that it is said in the language now chosen. */
type Problem = { kind: "invalid" | "invalidCode" | "error" } | { kind: "locked"; minutes: string };

// Medium slate text, as the inputs had when their label wrapped them (inputs inherit their font).
const field = "mt-1 block w-full rounded border border-slate-300 px-3 py-2 text-base font-medium text-slate-700 shadow-inner focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
const submitButton = "w-full rounded bg-brand-700 px-4 py-2.5 font-semibold text-white shadow hover:bg-brand-900 disabled:opacity-60";

/** The page's heading: the step's own, so the code step does not speak of account numbers. */
function Heading({ title, intro }: { title: string; intro: string }) {
  return (
    <div className="pb-2">
      <h1 id="login-title" className="text-xl font-semibold text-brand-900">
        {title}
      </h1>
      <p id="login-intro" className="mt-2 text-sm text-slate-600">
        {intro}
      </p>
    </div>
  );
}

/** A refused sign-in's next step: the code step, or a problem to show (`restart`: from the first step). */
function refusal(error: string): { askCode: true } | { problem: Problem; restart?: true } {
  if (error === LOGIN_ERRORS.codeRequired) return { askCode: true };
  if (error === LOGIN_ERRORS.invalidCode) return { problem: { kind: "invalidCode" } };
  if (error.startsWith(LOGIN_ERRORS.lockedPrefix)) return { problem: { kind: "locked", minutes: error.slice(LOGIN_ERRORS.lockedPrefix.length) } };
  // At the code step too (the password changed meanwhile): back to the first step.
  if (error === "CredentialsSignin") return { problem: { kind: "invalid" }, restart: true };
  return { problem: { kind: "error" } };
}

/** Why the last attempt was refused; the form points to it with aria-describedby. */
function Alert({ message }: { message: string | null }) {
  return (
    message && (
      <p id="login-message" role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">
        {message}
      </p>
    )
  );
}

type StepProps = { labels: LoginLabels; message: string | null; pending: boolean; onSubmit: (event: FormEvent<HTMLFormElement>) => void };

/** The second step: the code of the app (or a recovery code), or back to the first. */
function CodeStep({ labels, message, pending, onSubmit, onStartOver }: StepProps & { onStartOver: () => void }) {
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" aria-labelledby="login-title" aria-describedby={message ? "login-message" : "login-intro"} noValidate>
      <Heading title={labels.codeTitle} intro={labels.codeIntro} />
      <Alert message={message} />
      <Field id="login-code" name="code" label={labels.code} hint={labels.codeHint}>
        {(control) => <input {...control} inputMode="text" autoComplete="one-time-code" autoCapitalize="none" spellCheck={false} maxLength={20} required autoFocus className={`${field} num text-lg tracking-[0.2em]`} />}
      </Field>
      <button type="submit" disabled={pending} className={submitButton}>
        {pending ? labels.codeSubmitting : labels.codeSubmit}
      </button>
      <button type="button" onClick={onStartOver} className="w-full text-center text-sm font-medium text-brand-700 hover:underline">
        {labels.startOver}
      </button>
    </form>
  );
}

/** The first step: username, password and account or room number. */
function PasswordStep({ labels, message, pending, onSubmit }: StepProps) {
  return (
    <form method="post" onSubmit={onSubmit} className="space-y-4" aria-labelledby="login-title" aria-describedby={message ? "login-message" : undefined} noValidate>
      <Heading title={labels.title} intro={labels.intro} />
      <Alert message={message} />
      <Field id="login-username" name="username" label={labels.username} hint={labels.usernameHint}>
        {(control) => <input {...control} type="email" autoComplete="username" required className={field} />}
      </Field>
      <Field id="login-password" name="password" label={labels.password}>
        {(control) => <input {...control} type="password" autoComplete="current-password" required className={field} />}
      </Field>
      <Field id="login-number" name="number" label={labels.number}>
        {(control) => <input {...control} inputMode="numeric" autoComplete="off" required className={`${field} num tracking-wider`} />}
      </Field>
      <button type="submit" disabled={pending} className={submitButton}>
        {pending ? labels.submitting : labels.submit}
      </button>
    </form>
  );
}

/**
 * Username, password and number; then, for a user with a second factor, a code. The first step
 * kept in memory is sent again with the code: the server checks everything at once and starts a
 * session only then.
 */
export function LoginForm({ labels }: { labels: LoginLabels }) {
  const router = useRouter();
  const [problem, setProblem] = useState<Problem | null>(null);
  const message = problem && (problem.kind === "locked" ? labels.locked.replace("{minutes}", problem.minutes) : labels[problem.kind]);
  const [pending, setPending] = useState(false);
  const step1 = useRef<Step1 | null>(null);
  const [askCode, setAskCode] = useState(false);

  async function attempt(credentials: Step1 & { code?: string }) {
    setPending(true);
    setProblem(null);
    const result = await signIn("credentials", { redirect: false, ...credentials });
    if (result?.ok && !result.error) {
      step1.current = null;
      router.replace(await landingPath());
      router.refresh();
      return;
    }
    setPending(false);
    const next = refusal(result?.error ?? "");
    if ("askCode" in next) setAskCode(true);
    else {
      if (next.restart) startOver();
      setProblem(next.problem);
    }
  }

  function startOver() {
    step1.current = null;
    setAskCode(false);
    setProblem(null);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const value = (name: string) => String(data.get(name) ?? "");
    if (askCode && step1.current) return attempt({ ...step1.current, code: value("code") });
    step1.current = { username: value("username"), password: value("password"), number: value("number") };
    return attempt(step1.current);
  }

  // Two components, so that a step change draws a fresh form (an empty code field, focused).
  const step = { labels, message, pending, onSubmit };
  return askCode ? <CodeStep {...step} onStartOver={startOver} /> : <PasswordStep {...step} />;
}
