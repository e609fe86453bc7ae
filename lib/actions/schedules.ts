"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { databaseUrl, getDb } from "@/db/client";
import type { UploadTarget } from "@/db/schema";
import { PrivateAddressError } from "@/lib/delivery/address-guard";
import { DeliveryError } from "@/lib/delivery/errors";
import { testUpload } from "@/lib/delivery/upload";
import { loadEnv } from "@/lib/env";
import { fill } from "@/lib/i18n/messages";
import { queueDelivery } from "@/lib/jobs/queue";
import { scheduleReportQuery } from "@/lib/schedules/report";
import { sendNow } from "@/lib/schedules/runs";
import { cancelSchedule, createSchedule, ScheduleLimitError, storedUpload, updateSchedule } from "@/lib/schedules/schedules";
import { getScheduleSecret } from "@/lib/schedules/secret";
import { decryptSecret } from "@/lib/secrets";
import { MAX_SCHEDULES, parseScheduleForm } from "@/lib/schedules/validate";
import { formOf, runFormAction, type FormState } from "./form";

const anyForm = z.record(z.string(), z.unknown());
const id = z.number().int().positive();
const SECRET_FIELDS = new Set(["password", "privateKey"]);

/** The typed values come back to the form, except the secrets, which never travel back. */
const withoutSecrets = (state: FormState): FormState => ({ ...state, values: state.values && Object.fromEntries(Object.entries(state.values).filter(([k]) => !SECRET_FIELDS.has(k))) });

/** The schedule form's one action: *Test upload* (intent=test) or *Set schedule!*. */
export async function submitScheduleForm(scheduleId: number | null, previous: FormState, formData: FormData): Promise<FormState> {
  return formOf(formData).get("intent") === "test" ? testScheduleUpload(scheduleId, previous, formData) : saveSchedule(scheduleId, previous, formData);
}

/** *Set schedule!*: creates (scheduleId null) or saves a schedule; on success, opens it. */
async function saveSchedule(scheduleId: number | null, _previous: FormState, formData: FormData): Promise<FormState> {
  let savedId: number | undefined;
  const state = await runFormAction(anyForm, formData, async ({ scope, input, t }) => {
    const db = await getDb();
    const env = loadEnv();
    const now = new Date();
    const stored = scheduleId === null ? { upload: null, hasSecret: false } : await storedUpload(db, scope, id.parse(scheduleId));
    const parsed = parseScheduleForm(input, { t, now, stored: stored.upload, hasStoredSecret: stored.hasSecret, checkReport: (q) => scheduleReportQuery(q, now) });
    if (!parsed.ok) throw new z.ZodError(Object.entries(parsed.errors).flatMap(([field, messages]) => messages.map((message) => ({ code: "custom" as const, path: [field], message, input: undefined }))));
    try {
      const saved = scheduleId === null ? await createSchedule(db, scope, parsed.value, env.encryptionKey, now) : await updateSchedule(db, scope, scheduleId, parsed.value, env.encryptionKey, now);
      savedId = saved.id;
    } catch (error) {
      if (error instanceof ScheduleLimitError) throw new z.ZodError([{ code: "custom", path: ["form"], message: fill(t.schedules.errors.limit, { max: MAX_SCHEDULES }), input: undefined }]);
      throw error;
    }
    revalidatePath("/reports/schedules", "layout");
    return "";
  });
  if (state.ok && savedId) redirect(`/reports/schedules/${savedId}?saved=${scheduleId === null ? "created" : "updated"}`);
  return withoutSecrets(state);
}

/** *Test upload*: writes and removes a small file at the destination typed (or stored) in the form. */
async function testScheduleUpload(scheduleId: number | null, _previous: FormState, formData: FormData): Promise<FormState> {
  let failed = false;
  const state = await runFormAction(anyForm, formData, async ({ scope, input, t }) => {
    const db = await getDb();
    const env = loadEnv();
    const now = new Date();
    const stored = scheduleId === null ? { upload: null, hasSecret: false } : await storedUpload(db, scope, id.parse(scheduleId));
    // Only the destination matters here: the rest of the form may still be unfinished.
    const parsed = parseScheduleForm({ ...input, name: "test", report: "", emails: "", range: "previous-day", time: "00:00", frequency: "daily", format: "csv" }, { t, now, stored: stored.upload, hasStoredSecret: stored.hasSecret, checkReport: () => "" });
    if (!parsed.ok) throw new z.ZodError(Object.entries(parsed.errors).flatMap(([field, messages]) => messages.map((message) => ({ code: "custom" as const, path: [field], message, input: undefined }))));
    const upload = parsed.value.upload as UploadTarget | null;
    if (!upload) throw new z.ZodError([{ code: "custom", path: ["protocol"], message: t.schedules.errors.noDestination, input: undefined }]);
    let secret = parsed.value.secret;
    if (secret === undefined && scheduleId !== null) {
      secret = decryptSecret(env.encryptionKey, await getScheduleSecret(db, scope, scheduleId), `account:${scope.accountId}`);
    }
    try {
      await testUpload({ ...upload, secret: secret ?? "" }, { allowPrivate: env.deliveryAllowPrivate, timeoutMs: 15_000 });
    } catch (error) {
      const reason =
        error instanceof PrivateAddressError ? fill(t.schedules.errors.privateAddress, { host: error.host, address: error.address }) : error instanceof DeliveryError ? error.message : String(error);
      failed = true;
      return fill(t.schedules.testFailed, { reason });
    }
    return fill(t.schedules.testOk, { host: upload.host, directory: upload.directory });
  });
  // A failed test is an answer, not a form error: shown in the same place, in red.
  return withoutSecrets(failed ? { ...state, ok: false } : state);
}

export async function cancelScheduleAction(scheduleId: number, _previous: FormState, formData: FormData): Promise<FormState> {
  const state = await runFormAction(anyForm, formData, async ({ scope }) => {
    await cancelSchedule(await getDb(), scope, id.parse(scheduleId));
    revalidatePath("/reports/schedules", "layout");
    return "";
  });
  if (state.ok) redirect("/reports/schedules?cancelled=1");
  return state;
}

/** *Send now*: a run at this instant, queued for a worker at once. */
export async function sendScheduleNow(scheduleId: number, _previous: FormState, formData: FormData): Promise<FormState> {
  return runFormAction(anyForm, formData, async ({ scope, t }) => {
    const db = await getDb();
    const url = databaseUrl();
    await sendNow(db, { enqueue: (runId) => queueDelivery(url, runId) }, scope, id.parse(scheduleId));
    revalidatePath("/reports/schedules", "layout");
    return t.schedules.sent;
  });
}
