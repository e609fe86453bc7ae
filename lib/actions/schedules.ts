"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { databaseUrl, getDb } from "@/db/client";
import { assertOwner } from "@/lib/auth/scope";
import { cancelSchedule } from "@/lib/data/schedules";
import { loadEnv } from "@/lib/env";
import { NotFoundError } from "@/lib/errors";
import type { Messages } from "@/lib/i18n/messages";
import { queueDelivery } from "@/lib/jobs/queue";
import { saveScheduleForm, testScheduleDestination, type FieldErrors, type HostKeyPrompt } from "@/lib/schedules/form";
import { sendNow } from "@/lib/schedules/runs";

import { formOf, runFormAction, type runOwnerFormAction, type FormState } from "./form";

const anyForm = z.record(z.string(), z.unknown());
const id = z.number().int().positive();
const SECRET_FIELDS = new Set(["password", "privateKey"]);

/** The schedule form's state: a form's, and the SFTP server key to check after a *Test upload*. */
export type ScheduleFormState = FormState & { hostKey?: HostKeyPrompt };

/** The typed values come back to the form, except the secrets, which never travel back. */
const withoutSecrets = <S extends FormState>(state: S): S => ({ ...state, values: state.values && Object.fromEntries(Object.entries(state.values).filter(([k]) => !SECRET_FIELDS.has(k))) });

const fieldErrors = (errors: FieldErrors) => new z.ZodError(Object.entries(errors).flatMap(([field, messages]) => messages.map((message) => ({ code: "custom" as const, path: [field], message, input: undefined }))));

type OwnerHandler = Parameters<typeof runOwnerFormAction<typeof anyForm>>[2];

/**
 * Every schedule action: the account owner's only. A room holder's call, like one for a schedule
 * that does not exist, is answered "This schedule does not exist…" before anything is read,
 * written or connected to.
 */
async function scheduleAction(formData: FormData, handler: OwnerHandler): Promise<FormState> {
  let t: Messages | undefined;
  let notFound = false;
  const state = await runFormAction(anyForm, formData, async (context) => {
    t = context.t;
    try {
      const { scope } = context;
      assertOwner(scope, "schedule");
      return await handler({ ...context, scope });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      notFound = true;
      return "";
    }
  });
  return notFound && t ? { ok: false, message: t.schedules.notFound } : state;
}

/** The schedule form's one action: *Test upload* (intent=test) or *Set schedule!*. */
export async function submitScheduleForm(scheduleId: number | null, previous: ScheduleFormState, formData: FormData): Promise<ScheduleFormState> {
  return formOf(formData).get("intent") === "test" ? testScheduleUpload(scheduleId, previous, formData) : saveSchedule(scheduleId, previous, formData);
}

/** *Set schedule!*: creates (scheduleId null) or saves a schedule; on success, opens it. */
async function saveSchedule(scheduleId: number | null, _previous: ScheduleFormState, formData: FormData): Promise<ScheduleFormState> {
  let savedId: number | undefined;
  const state = await scheduleAction(formData, async ({ scope, input, t }) => {
    const saved = await saveScheduleForm(scope, scheduleId === null ? null : id.parse(scheduleId), input, { t, now: new Date(), encryptionKey: loadEnv().encryptionKey });
    if (!saved.ok) throw fieldErrors(saved.errors);
    savedId = saved.id;
    revalidatePath("/reports/schedules", "layout");
    return "";
  });
  if (state.ok && savedId) redirect(`/reports/schedules/${savedId}?saved=${scheduleId === null ? "created" : "updated"}`);
  return withoutSecrets(state);
}

/** *Test upload*: writes and removes a small file at the destination typed (or stored) in the form. */
async function testScheduleUpload(scheduleId: number | null, _previous: ScheduleFormState, formData: FormData): Promise<ScheduleFormState> {
  let failed = false;
  let hostKey: HostKeyPrompt | undefined;
  const state = await scheduleAction(formData, async ({ scope, input, t }) => {
    const env = loadEnv();
    const tested = await testScheduleDestination(scope, scheduleId === null ? null : id.parse(scheduleId), input, { t, now: new Date(), encryptionKey: env.encryptionKey, allowPrivate: env.deliveryAllowPrivate });
    if ("errors" in tested) throw fieldErrors(tested.errors);
    // A failed test is an answer, not a form error: shown in the same place, in red.
    if (!tested.ok) {
      failed = true;
      hostKey = tested.hostKey;
    }
    return tested.message;
  });
  return withoutSecrets(failed ? { ...state, ok: false, hostKey } : state);
}

export async function cancelScheduleAction(scheduleId: number, _previous: FormState, formData: FormData): Promise<FormState> {
  const state = await scheduleAction(formData, async ({ scope }) => {
    await cancelSchedule(scope, id.parse(scheduleId));
    revalidatePath("/reports/schedules", "layout");
    return "";
  });
  if (state.ok) redirect("/reports/schedules?cancelled=1");
  return state;
}

/** *Send now*: a run at this instant, queued for a worker at once. */
export async function sendScheduleNow(scheduleId: number, _previous: FormState, formData: FormData): Promise<FormState> {
  return scheduleAction(formData, async ({ scope, t }) => {
    const db = await getDb();
    const url = databaseUrl();
    await sendNow(db, { enqueue: (runId) => queueDelivery(url, runId) }, scope, id.parse(scheduleId));
    revalidatePath("/reports/schedules", "layout");
    return t.schedules.sent;
  });
}
