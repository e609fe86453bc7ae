"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

export type LoginLabels = {
  username: string;
  usernameHint: string;
  password: string;
  number: string;
  submit: string;
  submitting: string;
  invalid: string;
  locked: string;
  error: string;
};

const LOCKED_PREFIX = "locked:";

export function LoginForm({ labels }: { labels: LoginLabels }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setPending(true);
    setMessage(null);
    const result = await signIn("credentials", {
      redirect: false,
      username: String(data.get("username") ?? ""),
      password: String(data.get("password") ?? ""),
      number: String(data.get("number") ?? ""),
    });
    if (result?.ok && !result.error) {
      router.replace("/");
      router.refresh();
      return;
    }
    setPending(false);
    const error = result?.error ?? "";
    if (error.startsWith(LOCKED_PREFIX)) setMessage(labels.locked.replace("{minutes}", error.slice(LOCKED_PREFIX.length)));
    else if (error === "CredentialsSignin") setMessage(labels.invalid);
    else setMessage(labels.error);
  }

  const field = "mt-1 block w-full rounded border border-slate-300 px-3 py-2 text-base shadow-inner focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-describedby={message ? "login-message" : undefined} noValidate>
      {message && (
        <p id="login-message" role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800">
          {message}
        </p>
      )}
      <label className="block text-sm font-medium text-slate-700">
        {labels.username}
        <input name="username" type="email" autoComplete="username" required className={field} aria-describedby="username-hint" />
        <span id="username-hint" className="mt-1 block text-xs font-normal text-slate-500">
          {labels.usernameHint}
        </span>
      </label>
      <label className="block text-sm font-medium text-slate-700">
        {labels.password}
        <input name="password" type="password" autoComplete="current-password" required className={field} />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        {labels.number}
        <input name="number" inputMode="numeric" autoComplete="off" required className={`${field} num tracking-wider`} />
      </label>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-brand-700 px-4 py-2.5 font-semibold text-white shadow hover:bg-brand-900 disabled:opacity-60"
      >
        {pending ? labels.submitting : labels.submit}
      </button>
    </form>
  );
}
