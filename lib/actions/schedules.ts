"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { databaseUrl, getDb } from "@/db/client";
import { cancelSchedule } from "@/lib/data/schedules";
import { loadEnv } from "@/lib/env";
import type { Messages } from "@/lib/i18n/messages";
import { queueDelivery } from "@/lib/jobs/queue";
import { saveFormSchema, saveSchedule, testDestination, testFormSchema } from "@/lib/schedules/form";
import type { HostKeyPrompt, ScheduleFormState } from "@/lib/schedules/form-values";
import { sendNow } from "@/lib/schedules/runs";
import { formOf, runOwnerFormAction, type FormState, type Outcome } from "./form";

/** A bound schedule id, as the page bound it; anything else is refused at the form. */
const scheduleId = z.number().int().positive();
const boundId = (id: number | null) => (id === null ? null : scheduleId.parse(id));
const noFields = z.object({});
const SECRET_FIELDS = new Set(["password", "privateKey"]);

/**
 * Every schedule action is the account owner's only. A room holder's call, like one for a schedule
 * that does not exist, is answered "This schedule does not exist…" before anything is read,
 * written or connected to.
 */
const SCHEDULE = { notFound: (t: Messages) => t.schedules.notFound };

/** The typed values come back to the form, except the secrets, which never travel back. */
const withoutSecrets = <S extends FormState>(state: S): S => ({ ...state, values: state.values && Object.fromEntries(Object.entries(state.values).filter(([k]) => !SECRET_FIELDS.has(k))) });

/** The schedule form's one action: *Test upload* (intent=test) or *Set schedule!*. */
export async function submitScheduleForm(id: number | null, _previous: ScheduleFormState, formData: FormData): Promise<ScheduleFormState> {
  return formOf(formData).get("intent") === "test" ? testScheduleUpload(id, formData) : saveScheduleAction(id, formData);
}

/** *Set schedule!*: creates (scheduleId null) or saves a schedule; on success, opens it. */
async function saveScheduleAction(id: number | null, formData: FormData): Promise<ScheduleFormState> {
  const now = new Date();
  let savedId: number | undefined;
  const state = await runOwnerFormAction(
    ({ scope, t }) => saveFormSchema(scope, boundId(id), { t, now }),
    formData,
    async ({ scope, input, t }) => {
      savedId = await saveSchedule(scope, boundId(id), input, { t, now, encryptionKey: loadEnv().encryptionKey });
      revalidatePath("/reports/schedules", "layout");
      return "";
    },
    SCHEDULE,
  );
  if (state.ok && savedId) redirect(`/reports/schedules/${savedId}?saved=${id === null ? "created" : "updated"}`);
  return withoutSecrets(state);
}

/** *Test upload*: writes and removes a small file at the destination typed (or stored) in the form. */
async function testScheduleUpload(id: number | null, formData: FormData): Promise<ScheduleFormState> {
  const now = new Date();
  const state = await runOwnerFormAction(
    ({ scope, t }) => testFormSchema(scope, boundId(id), { t, now }),
    formData,
    // A failed test is an answer, not a form error: shown in the same place, in red.
    async ({ scope, input, t }): Promise<Outcome<{ hostKey?: HostKeyPrompt; detail?: string }>> => {
      const env = loadEnv();
      return testDestination(scope, boundId(id), input, { t, now, encryptionKey: env.encryptionKey, allowPrivate: env.deliveryAllowPrivate });
    },
    SCHEDULE,
  );
  return withoutSecrets(state);
}

export async function cancelScheduleAction(id: number, _previous: FormState, formData: FormData): Promise<FormState> {
  const state = await runOwnerFormAction(
    noFields,
    formData,
    async ({ scope }) => {
      await cancelSchedule(scope, scheduleId.parse(id));
      revalidatePath("/reports/schedules", "layout");
      return "";
    },
    SCHEDULE,
  );
  if (state.ok) redirect("/reports/schedules?cancelled=1");
  return state;
}

/** *Send now*: a run at this instant, queued for a worker at once. */
export async function sendScheduleNow(id: number, _previous: FormState, formData: FormData): Promise<FormState> {
  return runOwnerFormAction(
    noFields,
    formData,
    async ({ scope, t }) => {
      const url = databaseUrl();
      await sendNow(await getDb(), { enqueue: (runId) => queueDelivery(url, runId) }, scope, scheduleId.parse(id));
      revalidatePath("/reports/schedules", "layout");
      return t.schedules.sent;
    },
    SCHEDULE,
  );
}
