/**
 * What the schedule form's two buttons do, for the session's scope: *Set schedule!* saves,
 * *Test upload* checks the destination typed. Both belong to the account's owner: a room holder's
 * request is an unknown schedule (NotFoundError) before anything is read, written or connected to.
 */
import { assertOwner, type AccountScope, type Scope } from "@/lib/auth/scope";
import { PrivateAddressError } from "@/lib/delivery/address-guard";
import { DeliveryError } from "@/lib/delivery/errors";
import { HostKeyError } from "@/lib/delivery/host-key";
import { testUpload } from "@/lib/delivery/upload";
import { createSchedule, getSchedule, getScheduleSecret, ScheduleLimitError, updateSchedule } from "@/lib/data/schedules";
import { ValidationError } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n/messages";
import { decryptSecret } from "@/lib/secrets";
import { scheduleReportQuery } from "./report";
import { MAX_SCHEDULES, parseScheduleForm } from "./validate";

export type FieldErrors = Record<string, string[]>;
export type SaveOutcome = { ok: true; id: number } | { ok: false; errors: FieldErrors };
/** A server key to show the owner: the one the SFTP server presented, and the one accepted before, if any. */
export type HostKeyPrompt = { host: string; offered: string; expected: string | null };
export type TestOutcome = { ok: true; message: string } | { ok: false; errors: FieldErrors } | { ok: false; message: string; hostKey?: HostKeyPrompt };

type Context = { t: Messages; now: Date; encryptionKey: string };

async function storedDestination(scope: AccountScope, scheduleId: number | null) {
  if (scheduleId === null) return { stored: null, hasStoredSecret: false };
  const s = await getSchedule(scope, scheduleId);
  return { stored: s.upload, hasStoredSecret: s.hasSecret };
}

/** Creates (scheduleId null) or saves a schedule; every refusal is a field error, and then nothing is written. */
export async function saveScheduleForm(scope: Scope, scheduleId: number | null, raw: Record<string, unknown>, c: Context): Promise<SaveOutcome> {
  assertOwner(scope, "schedule");
  const destination = await storedDestination(scope, scheduleId);
  const parsed = parseScheduleForm(raw, { t: c.t, now: c.now, ...destination, requireHostKey: true, checkReport: (q) => scheduleReportQuery(q, c.now) });
  if (!parsed.ok) return parsed;
  try {
    const saved = scheduleId === null ? await createSchedule(scope, parsed.value, c.encryptionKey, c.now, c.t) : await updateSchedule(scope, scheduleId, parsed.value, c.encryptionKey, c.now, c.t);
    return { ok: true, id: saved.id };
  } catch (error) {
    if (error instanceof ScheduleLimitError) return { ok: false, errors: { form: [fill(c.t.schedules.errors.limit, { max: MAX_SCHEDULES })] } };
    // A filter naming another account's cardholder, owner or group: shown at the report chosen.
    if (error instanceof ValidationError) return { ok: false, errors: { report: [error.message] } };
    throw error;
  }
}

/**
 * *Test upload*: writes and removes a small file at the destination typed (or stored). An SFTP
 * server whose key was not accepted in the form (`hostKey`) gets nothing but the connection that
 * shows its key, which comes back for the owner to check and accept.
 */
export async function testScheduleDestination(
  scope: Scope,
  scheduleId: number | null,
  raw: Record<string, unknown>,
  c: Context & { allowPrivate: boolean; timeoutMs?: number },
): Promise<TestOutcome> {
  assertOwner(scope, "schedule");
  const t = c.t.schedules;
  const destination = await storedDestination(scope, scheduleId);
  // Only the destination matters here: the rest of the form may still be unfinished.
  const form = { ...raw, name: "test", report: "", emails: "", range: "previous-day", time: "00:00", frequency: "daily", format: "csv" };
  const parsed = parseScheduleForm(form, { t: c.t, now: c.now, ...destination, checkReport: () => "" });
  if (!parsed.ok) return parsed;
  const { upload, secret: typed, hostKey, ca } = parsed.value;
  if (!upload) return { ok: false, errors: { protocol: [t.errors.noDestination] } };
  // No secret typed: the form only allows that for the stored destination, so there is a schedule.
  const secret = typed ?? decryptSecret(c.encryptionKey, await getScheduleSecret(scope, scheduleId!), `account:${scope.accountId}`);
  try {
    await testUpload({ ...upload, secret, hostKey, ca }, { allowPrivate: c.allowPrivate, timeoutMs: c.timeoutMs ?? 15_000 });
    return { ok: true, message: fill(t.testOk, { host: upload.host, directory: upload.directory }) };
  } catch (error) {
    if (error instanceof HostKeyError) return { ok: false, message: t.testHostKey, hostKey: { host: upload.host, offered: error.offered, expected: error.expected } };
    const reason = error instanceof PrivateAddressError ? fill(t.errors.privateAddress, { host: error.host, address: error.address }) : error instanceof DeliveryError ? error.message : String(error);
    return { ok: false, message: fill(t.testFailed, { reason }) };
  }
}
