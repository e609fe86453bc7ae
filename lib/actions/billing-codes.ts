"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/client";
import { assignBillingCode, assignUnallocated, billingCodeSchema, setAutoBillingCode } from "@/lib/billing-codes";
import { readCleanupFilter } from "@/lib/cleanup";
import { getAccount } from "@/lib/data/account";
import { NotFoundError } from "@/lib/errors";
import { getMessages } from "@/lib/i18n/locale";
import type { Messages } from "@/lib/i18n/messages";
import { plural, type Plural } from "@/lib/i18n/plural";
import type { Scope } from "@/lib/auth/scope";
import { choosePeriod } from "@/lib/periods";
import { runFormAction, runOwnerFormAction, type FormState } from "./form";

/** A count's sentence: words by the UI language's plural rules, the count in the account's digits. */
async function counted(scope: Scope, t: Messages, forms: Plural, count: number, values: Record<string, string | number> = {}): Promise<string> {
  const { locale } = await getAccount(scope);
  return plural(t.lang, count, forms, values, locale);
}

const id = z.coerce.number().int().positive();
const version = z.coerce.number().int().positive();
/** A bound room number: a page binds the one it shows; anything else is not a room. */
const room = z.string().regex(/^\d{6}$/, "room not found");

/** "conference" checkboxes carry "id:version", so a change made meanwhile is detected. */
const selection = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
  .pipe(
    z.array(
      z
        .string()
        .regex(/^\d+:\d+$/)
        .transform((s) => {
          const [conferenceId, conferenceVersion] = s.split(":").map(Number) as [number, number];
          return { id: conferenceId, version: conferenceVersion };
        }),
    ),
  );

/** Assigns a code to one conference, bound to its id and the version the page showed. */
export async function assignConferenceCode(conferenceId: number, conferenceVersion: number, _previous: FormState, formData: FormData): Promise<FormState> {
  return runFormAction(z.object({ code: billingCodeSchema }), formData, async ({ scope, input, t }) => {
    const result = await assignBillingCode(await getDb(), scope, [{ id: id.parse(conferenceId), version: version.parse(conferenceVersion) }], input.code);
    revalidatePath("/", "layout");
    return counted(scope, t, t.codes.assigned, result.count, { code: result.code });
  });
}

const noneSelected = (t: Messages) => new z.ZodError([{ code: "custom", path: ["conference"], message: t.room.noneSelected, input: undefined }]);

/** Assigns one code to every selected conference, all or nothing. */
export async function assignSelectedCodes(_previous: FormState, formData: FormData): Promise<FormState> {
  const state = await runFormAction(z.object({ code: billingCodeSchema, conference: selection }), formData, async ({ scope, input, t }) => {
    if (!input.conference.length) throw noneSelected(t);
    const result = await assignBillingCode(await getDb(), scope, input.conference, input.code);
    revalidatePath("/", "layout");
    return counted(scope, t, t.codes.assigned, result.count, { code: result.code });
  });
  return state;
}

/** What the clean-up page binds to its form: the period and filter it shows, and how many conferences they matched. */
const cleanupView = z.object({ period: z.string(), room: z.string(), from: z.string(), to: z.string(), shown: z.number().int().min(0) });
export type CleanupView = z.input<typeof cleanupView>;

/**
 * The clean-up page's Assign: the conferences ticked (as on a room page), or with "select all",
 * every unallocated conference the page's filter matches now, read again by the server; says how
 * many got the code, and how many of those shown someone else had given a code meanwhile.
 */
export async function assignCleanup(view: CleanupView, _previous: FormState, formData: FormData): Promise<FormState> {
  const schema = z.object({ code: billingCodeSchema, all: z.literal("on").optional(), conference: selection });
  return runOwnerFormAction(schema, formData, async ({ scope, input, t }) => {
    const shown = cleanupView.parse(view);
    if (!input.all) {
      if (!input.conference.length) throw noneSelected(t);
      const result = await assignBillingCode(await getDb(), scope, input.conference, input.code);
      revalidatePath("/", "layout");
      return counted(scope, t, t.codes.assigned, result.count, { code: result.code });
    }
    const [account, { locale }] = await Promise.all([getAccount(scope), getMessages()]);
    const { period } = choosePeriod(shown.period, account.timeZone);
    const query = period && (await readCleanupFilter(scope, period, account.timeZone, shown, t, locale));
    if (!period || !query) throw new NotFoundError("period or room not found");
    const result = await assignUnallocated(await getDb(), scope, period, query.filter, input.code);
    revalidatePath("/", "layout");
    const skipped = shown.shown - result.count;
    const assigned = plural(t.lang, result.count, t.codes.assigned, { code: result.code }, account.locale);
    return skipped > 0 ? `${assigned} ${plural(t.lang, skipped, t.cleanup.skipped, {}, account.locale)}` : assigned;
  });
}

/** Sets (or clears) a room's auto billing code, optionally applying it to its unallocated conferences. */
export async function setRoomAutoCode(roomNumber: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const schema = z.object({ code: z.string().trim().pipe(z.union([z.literal(""), billingCodeSchema])), apply: z.string().optional() });
  return runOwnerFormAction(schema, formData, async ({ scope, input, t }) => {
    const result = await setAutoBillingCode(await getDb(), scope, room.parse(roomNumber), input.code || null, input.apply === "on");
    revalidatePath("/", "layout");
    if (!result.code) return t.codes.autoCodeCleared;
    return input.apply === "on" ? counted(scope, t, t.codes.autoCodeSavedApplied, result.applied) : t.codes.autoCodeSaved;
  });
}
