import "server-only";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireOwnerForEnrolment, requireScope } from "@/lib/auth/session";
import type { AccountScope, Scope } from "@/lib/auth/scope";
import { formError } from "@/lib/errors";
import { hasForbiddenText } from "@/lib/http/input-guard";
import { getMessages } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/messages";

/**
 * What a form shows after its action: field errors (by field name), a message, success or not.
 * `shownOnce`: secrets the action just made and the user must see once (new recovery codes);
 * never anything the user submitted.
 */
export type FormState = { ok?: boolean; message?: string; errors?: Record<string, string[]>; values?: Record<string, string>; shownOnce?: string[] };

type Outcome = string | { message: string; shownOnce: string[] };
type Handler<T, S extends Scope = Scope> = (context: { scope: S; displayName: string; sessionId: string; input: T; t: Messages }) => Promise<Outcome>;
type Access = "signed-in" | "owner" | "enrolling-owner";

/**
 * The one wrapper of every server action: checks the session (a server action is a public
 * endpoint), parses the form with zod, runs, and maps domain errors to what the form shows.
 * A record outside the session's scope is "not found", exactly as an unknown one, and nothing changes.
 * (Next's notFound() is not handled consistently for actions called from useActionState, so the
 * form shows the not-found message instead.) The submitted text values come back so a form keeps
 * what the user typed.
 */
export function runFormAction<S extends z.ZodType>(schema: S, formData: FormData, handler: Handler<z.output<S>>): Promise<FormState> {
  return run(schema, formData, "signed-in", handler);
}

/** `runFormAction` for what only an account's owner may do: a room holder's call is "not found". */
export function runOwnerFormAction<S extends z.ZodType>(schema: S, formData: FormData, handler: Handler<z.output<S>, AccountScope>): Promise<FormState> {
  return run(schema, formData, "owner", handler as Handler<z.output<S>>);
}

/**
 * `runOwnerFormAction` for the enrolment of a second factor: also for an owner who must enrol
 * before anything else (support requires it), whom every other action sends to enrolment.
 */
export function runEnrolmentFormAction<S extends z.ZodType>(schema: S, formData: FormData, handler: Handler<z.output<S>, AccountScope>): Promise<FormState> {
  return run(schema, formData, "enrolling-owner", handler as Handler<z.output<S>>);
}

async function run<S extends z.ZodType>(schema: S, formData: FormData, access: Access, handler: Handler<z.output<S>>): Promise<FormState> {
  const { scope, displayName, sessionId } = access === "enrolling-owner" ? await requireOwnerForEnrolment() : await requireScope();
  const { t } = await getMessages();
  if (access !== "signed-in" && scope.kind !== "account") return { ok: false, message: t.forms.ownersOnly };
  const form = formOf(formData);
  const raw = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)]));
  const values = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  const unreadable = Object.keys(values).filter((k) => hasForbiddenText(k) || hasForbiddenText(values[k]!));
  if (unreadable.length) return { ok: false, errors: Object.fromEntries(unreadable.map((k) => [k, [t.forms.forbiddenCharacters]])), values: {} };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, t), values };
  try {
    const outcome = await handler({ scope, displayName, sessionId, input: parsed.data, t });
    return typeof outcome === "string" ? { ok: true, message: outcome } : { ok: true, ...outcome };
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

/** What the form shows for a failed handler: its zod errors by field, or the domain error as lib/errors.ts maps it. */
function errorState(error: unknown, t: Messages): FormState {
  if (error instanceof z.ZodError) return { ok: false, errors: fieldErrors(error, t) };
  const shown = formError(error, t);
  if (!shown) throw error;
  return shown.field ? { ok: false, errors: { [shown.field]: [shown.message] } } : { ok: false, message: shown.message };
}
