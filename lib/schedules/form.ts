/**
 * What the schedule form's two buttons do, for the owner's scope: *Set schedule!* saves, *Test
 * upload* checks the destination typed. The form's rules depend on the schedule (its stored secret
 * may be kept for the same destination), so each button has a schema made for the schedule. Both
 * belong to the account's owner: a room holder's request is an unknown schedule (NotFoundError)
 * before anything is read, written or connected to.
 */
import { z } from "zod";
import { assertOwner, type AccountScope, type Scope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { createSchedule, getSchedule, getScheduleSecret, ScheduleLimitError, updateSchedule } from "@/lib/data/schedules";
import { PrivateAddressError } from "@/lib/delivery/address-guard";
import { DeliveryError, deliveryProblem } from "@/lib/delivery/errors";
import { HostKeyError } from "@/lib/delivery/host-key";
import { testUpload } from "@/lib/delivery/upload";
import { ValidationError } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n/messages";
import { accountSecretContext, decryptSecret } from "@/lib/secrets";
import type { HostKeyPrompt } from "./form-values";
import { scheduleReportQuery } from "./report";
import { problemText } from "./run-display";
import { fieldErrorsOf, MAX_SCHEDULES, scheduleFormSchema, type FieldErrors, type ScheduleInput } from "./validate";

type SaveOutcome = { ok: true; id: number } | { ok: false; errors: FieldErrors };
/** A *Test upload*'s answer: a failure is an answer too (with the server key to check, for SFTP). */
type TestResult = { ok: true; message: string } | { ok: false; message: string; hostKey?: HostKeyPrompt; detail?: string };
type TestOutcome = TestResult | { ok: false; errors: FieldErrors };

type Context = { t: Messages; now: Date };
type TestContext = Context & { encryptionKey: string; allowPrivate: boolean; timeoutMs?: number };

async function storedDestination(scope: AccountScope, scheduleId: number | null) {
  // The account's locale writes the dates of the form's messages.
  const { locale } = await getAccount(scope);
  if (scheduleId === null) return { stored: null, hasStoredSecret: false, locale };
  const s = await getSchedule(scope, scheduleId);
  return { stored: s.upload, hasStoredSecret: s.hasSecret, locale };
}

/** *Set schedule!*'s schema for the schedule `scheduleId` (null: a new one). */
export async function saveFormSchema(scope: Scope, scheduleId: number | null, c: Context) {
  assertOwner(scope, "schedule");
  const destination = await storedDestination(scope, scheduleId);
  return scheduleFormSchema({ t: c.t, now: c.now, ...destination, requireHostKey: true, checkReport: (q) => scheduleReportQuery(q, c.now) });
}

/** Only the destination matters to a *Test upload*: the rest of the form may still be unfinished. */
const NOT_TESTED = { name: "test", report: "", emails: "", range: "previous-day", time: "00:00", frequency: "daily", format: "csv" };

/** *Test upload*'s schema: the form's, on its destination only. */
export async function testFormSchema(scope: Scope, scheduleId: number | null, c: Context) {
  assertOwner(scope, "schedule");
  const destination = await storedDestination(scope, scheduleId);
  const schema = scheduleFormSchema({ t: c.t, now: c.now, ...destination, checkReport: () => "" });
  return z
    .record(z.string(), z.unknown())
    .transform((form) => ({ ...form, ...NOT_TESTED }))
    .pipe(schema);
}

/** Creates (scheduleId null) or saves a schedule; the account's limit and the report's filters are refused at their field. */
export async function saveSchedule(scope: AccountScope, scheduleId: number | null, input: ScheduleInput, c: Context & { encryptionKey: string }): Promise<number> {
  try {
    const saved = scheduleId === null ? await createSchedule(scope, input, c.encryptionKey, c.now, c.t) : await updateSchedule(scope, scheduleId, input, c.encryptionKey, c.now, c.t);
    return saved.id;
  } catch (error) {
    if (error instanceof ScheduleLimitError) throw new ValidationError(fill(c.t.schedules.errors.limit, { max: MAX_SCHEDULES }), "form");
    // A filter naming another account's cardholder, owner or group: shown at the report chosen.
    if (error instanceof ValidationError) throw new ValidationError(error.message, "report");
    throw error;
  }
}

/**
 * *Test upload*: writes and removes a small file at the destination typed (or stored). An SFTP
 * server whose key was not accepted in the form (`hostKey`) gets nothing but the connection that
 * shows its key, which comes back for the owner to check and accept.
 */
export async function testDestination(scope: AccountScope, scheduleId: number | null, input: ScheduleInput, c: TestContext): Promise<TestResult> {
  const t = c.t.schedules;
  const { upload, secret: typed, hostKey, ca } = input;
  if (!upload) throw new ValidationError(t.errors.noDestination, "protocol");
  // No secret typed: the form only allows that for the stored destination, so there is a schedule.
  const secret = typed ?? decryptSecret(c.encryptionKey, await getScheduleSecret(scope, scheduleId!), accountSecretContext(scope.accountId));
  try {
    await testUpload({ ...upload, secret, hostKey, ca }, { allowPrivate: c.allowPrivate, timeoutMs: c.timeoutMs ?? 15_000 });
    return { ok: true, message: fill(t.testOk, { host: upload.host, directory: upload.directory }) };
  } catch (error) {
    if (error instanceof HostKeyError) return { ok: false, message: t.testHostKey, hostKey: { host: upload.host, offered: error.offered, expected: error.expected } };
    if (error instanceof PrivateAddressError) return { ok: false, message: fill(t.testFailed, { reason: fill(t.errors.privateAddress, { host: error.host, address: error.address }) }) };
    // In the customer's words, as the run history says it; the server's or driver's own text folded under it.
    const detail = error instanceof DeliveryError ? error.message : String(error);
    const kind = deliveryProblem(error, "upload");
    const words = { protocol: upload.protocol.toUpperCase(), host: upload.host, user: upload.user, directory: upload.directory };
    const reason = (kind !== "unknown" && problemText(kind, words, t)) || detail;
    return { ok: false, message: fill(t.testFailed, { reason }), detail };
  }
}

/**
 * A form read whole outside a server action (tests, scripts): the schema, then the step, as the
 * action wrapper runs them; a refusal at a field is field errors.
 */
async function readForm<S extends z.ZodType, T>(schema: Promise<S>, raw: Record<string, unknown>, step: (input: z.output<S>) => Promise<T>): Promise<T | { ok: false; errors: FieldErrors }> {
  const parsed = (await schema).safeParse(raw);
  if (!parsed.success) return { ok: false, errors: fieldErrorsOf(parsed.error) };
  try {
    return await step(parsed.data);
  } catch (error) {
    if (error instanceof ValidationError && error.field) return { ok: false, errors: { [error.field]: [error.message] } };
    throw error;
  }
}

/** *Set schedule!* on a whole form: creates (scheduleId null) or saves; every refusal is a field error, and then nothing is written. */
export async function saveScheduleForm(scope: Scope, scheduleId: number | null, raw: Record<string, unknown>, c: Context & { encryptionKey: string }): Promise<SaveOutcome> {
  assertOwner(scope, "schedule");
  return readForm(saveFormSchema(scope, scheduleId, c), raw, async (input) => ({ ok: true as const, id: await saveSchedule(scope, scheduleId, input, c) }));
}

/** *Test upload* on a whole form. */
export async function testScheduleDestination(scope: Scope, scheduleId: number | null, raw: Record<string, unknown>, c: TestContext): Promise<TestOutcome> {
  assertOwner(scope, "schedule");
  return readForm(testFormSchema(scope, scheduleId, c), raw, (input) => testDestination(scope, scheduleId, input, c));
}
