import "server-only";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireScope } from "@/lib/auth/session";
import type { Scope } from "@/lib/auth/login";
import { ConflictError, LockedError, NotFoundError } from "@/lib/errors";
import { hasForbiddenText } from "@/lib/http/input-guard";
import { getMessages } from "@/lib/i18n/locale";
import { fill, type Messages } from "@/lib/i18n/messages";

/** What a form shows after its action: field errors (by field name), a message, success or not. */
export type FormState = { ok?: boolean; message?: string; errors?: Record<string, string[]>; values?: Record<string, string> };

type Handler<T> = (context: { scope: Scope & { displayName: string }; input: T; t: Messages }) => Promise<string>;

/**
 * The one wrapper of every server action: checks the session (a server action is a public
 * endpoint), parses the form with zod, runs, and maps domain errors to what the form shows.
 * A record outside the session's scope is "not found", exactly as an unknown one, and nothing changes.
 * (Next's notFound() is not handled consistently for actions called from useActionState, so the
 * form shows the not-found message instead.) The submitted text values come back so a form keeps
 * what the user typed.
 */
export async function runFormAction<S extends z.ZodType>(schema: S, formData: FormData, handler: Handler<z.output<S>>): Promise<FormState> {
  const form = formOf(formData);
  const scope = await requireScope();
  const { t } = await getMessages();
  const raw = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)]));
  const values = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  const unreadable = Object.keys(values).filter((k) => hasForbiddenText(k) || hasForbiddenText(values[k]!));
  if (unreadable.length) return { ok: false, errors: Object.fromEntries(unreadable.map((k) => [k, [t.forms.forbiddenCharacters]])), values: {} };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, t), values };
  try {
    return { ok: true, message: await handler({ scope, input: parsed.data, t }) };
  } catch (error) {
    return { ...errorState(error, t), values };
  }
}

/**
 * The form an action was posted, as a browser posts it. Anything else arrives only from a forged
 * request (a server action is a public endpoint: any arguments can be sent to it); it is answered
 * as an unknown action would be, 404, never with a failure of the action itself (500).
 */
export function formOf(value: unknown): FormData {
  if (value instanceof FormData) return value;
  notFound();
}

function fieldErrors(error: z.ZodError, t: Messages): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    const known = t.codes.errors[issue.message as keyof Messages["codes"]["errors"]];
    (errors[field] ??= []).push(known ?? issue.message);
  }
  return errors;
}

function errorState(error: unknown, t: Messages): FormState {
  if (error instanceof NotFoundError) return { ok: false, message: t.codes.notFound };
  if (error instanceof LockedError) return { ok: false, message: t.codes.lockedInvoiced };
  if (error instanceof ConflictError) {
    return { ok: false, message: error.ids.length > 1 ? fill(t.codes.conflictMany, { count: error.ids.length }) : t.codes.conflict };
  }
  if (error instanceof z.ZodError) return { ok: false, errors: fieldErrors(error, t) };
  throw error;
}
