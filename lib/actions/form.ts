import "server-only";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireOwnerForEnrolment, requireScope } from "@/lib/auth/session";
import type { AccountScope, Scope } from "@/lib/auth/scope";
import { formError, NotFoundError } from "@/lib/errors";
import { hasForbiddenText } from "@/lib/http/input-guard";
import { getMessages } from "@/lib/i18n/locale";
import { rememberWrite } from "@/lib/read-your-writes";
import type { Messages } from "@/lib/i18n/messages";

/**
 * What a form shows after its action: field errors (by field name), a message, success or not.
 * `shownOnce`: secrets the action just made and the user must see once (new recovery codes);
 * never anything the user submitted.
 */
export type FormState = { ok?: boolean; message?: string; errors?: Record<string, string[]>; values?: Record<string, string>; shownOnce?: string[] };

/**
 * What a handler answers: a message, or a state — `ok: false` for an answer that is a refusal (a
 * failed test), not an error; `X` for what more a form shows (the schedule form's server key).
 */
export type Outcome<X extends object = object> = string | (X & { message: string; ok?: boolean; shownOnce?: string[] });
export type Handler<T, S extends Scope = Scope, X extends object = object> = (context: { scope: S; displayName: string; sessionId: string; input: T; t: Messages }) => Promise<Outcome<X>>;
type Access = "signed-in" | "owner" | "enrolling-owner";
/** A schema, or one made for the session once its access is checked: rules that depend on a stored record. */
export type SchemaFor<S extends z.ZodType, Sc extends Scope = Scope> = S | ((context: { scope: Sc; t: Messages }) => S | Promise<S>);
/** `notFound`: how the action names a record that is not found (else a conference's words); for an owner's action, also the answer to a room holder. */
type Options = { notFound?: (t: Messages) => string };

/**
 * The one wrapper of every server action: checks the session (a server action is a public
 * endpoint), parses the form with zod, runs, and maps domain errors to what the form shows.
 * A record outside the session's scope is "not found", exactly as an unknown one, and nothing changes.
 * (Next's notFound() is not handled consistently for actions called from useActionState, so the
 * form shows the not-found message instead.) The submitted text values come back so a form keeps
 * what the user typed. Once the handler has run, its writes are remembered (`rememberWrite`): the
 * page shown next reads them, also from a replica.
 */
export function runFormAction<S extends z.ZodType, X extends object = object>(schema: SchemaFor<S>, formData: FormData, handler: Handler<z.output<S>, Scope, X>, options?: Options): Promise<FormState & Partial<X>> {
  return run(schema, formData, "signed-in", handler, options) as Promise<FormState & Partial<X>>;
}

/** `runFormAction` for what only an account's owner may do: a room holder's call is "not found". */
export function runOwnerFormAction<S extends z.ZodType, X extends object = object>(schema: SchemaFor<S, AccountScope>, formData: FormData, handler: Handler<z.output<S>, AccountScope, X>, options?: Options): Promise<FormState & Partial<X>> {
  return run(schema as SchemaFor<S>, formData, "owner", handler as Handler<z.output<S>, Scope, X>, options) as Promise<FormState & Partial<X>>;
}

/**
 * `runOwnerFormAction` for the enrolment of a second factor: also for an owner who must enrol
 * before anything else (support requires it), whom every other action sends to enrolment.
 */
export function runEnrolmentFormAction<S extends z.ZodType>(schema: S, formData: FormData, handler: Handler<z.output<S>, AccountScope>): Promise<FormState> {
  return run(schema, formData, "enrolling-owner", handler as Handler<z.output<S>>);
}

async function run<S extends z.ZodType, X extends object>(schema: SchemaFor<S>, formData: FormData, access: Access, handler: Handler<z.output<S>, Scope, X>, options: Options = {}): Promise<FormState> {
  const { scope, displayName, sessionId } = access === "enrolling-owner" ? await requireOwnerForEnrolment() : await requireScope();
  const { t } = await getMessages();
  if (access !== "signed-in" && scope.kind !== "account") return { ok: false, message: options.notFound?.(t) ?? t.forms.ownersOnly };
  const form = formOf(formData);
  const raw = Object.fromEntries([...new Set(form.keys())].map((k) => [k, form.getAll(k).length > 1 ? form.getAll(k) : form.get(k)]));
  const values = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string"));
  const unreadable = Object.keys(values).filter((k) => hasForbiddenText(k) || hasForbiddenText(values[k]!));
  if (unreadable.length) return { ok: false, errors: Object.fromEntries(unreadable.map((k) => [k, [t.forms.forbiddenCharacters]])), values: {} };
  try {
    const parsed = (schema instanceof z.ZodType ? schema : await schema({ scope, t })).safeParse(raw);
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error, t), values };
    const outcome = await handler({ scope, displayName, sessionId, input: parsed.data, t }).finally(rememberWrite);
    return typeof outcome === "string" ? { ok: true, message: outcome } : { ok: true, ...outcome };
  } catch (error) {
    return { ...errorState(error, t, options), values };
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
    const list = (errors[field] ??= []);
    if (!list.includes(known ?? issue.message)) list.push(known ?? issue.message);
  }
  return errors;
}

/** What the form shows for a failed handler: its zod errors by field, or the domain error as lib/errors.ts maps it. */
function errorState(error: unknown, t: Messages, options: Options): FormState {
  if (error instanceof NotFoundError && options.notFound) return { ok: false, message: options.notFound(t) };
  if (error instanceof z.ZodError) return { ok: false, errors: fieldErrors(error, t) };
  const shown = formError(error, t);
  if (!shown) throw error;
  return shown.field ? { ok: false, errors: { [shown.field]: [shown.message] } } : { ok: false, message: shown.message };
}
