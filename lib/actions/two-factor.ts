"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db/client";
import { forgetAttempt, openAttempt } from "@/lib/auth/login";
import type { AccountScope } from "@/lib/auth/scope";
import { confirmEnrolment, disableTwoFactor, replaceRecoveryCodes, userEmail, type ChangeResult } from "@/lib/auth/two-factor";
import { loadEnv } from "@/lib/env";
import { ValidationError } from "@/lib/errors";
import { fill, type Messages } from "@/lib/i18n/messages";
import { runEnrolmentFormAction, runOwnerFormAction, type FormState } from "./form";

const codeSchema = z.object({ code: z.string().trim().max(40) });

/** An empty field is a wrong code, said as such, and not counted as a failed attempt. */
function requireCode(code: string, t: Messages): string {
  if (!code) throw new ValidationError(t.twoFactor.invalidCode, "code");
  return code;
}

/** Confirms the enrolment shown on /two-factor with a current code; the recovery codes come back once, to be shown once. */
export async function confirmEnrolmentAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runEnrolmentFormAction(codeSchema, formData, async ({ scope, sessionId, input, t }) => {
    const result = await confirmEnrolment(await getDb(), scope, { sessionId, code: requireCode(input.code, t) }, loadEnv().encryptionKey);
    if (!result.ok) {
      const message = { "invalid-code": t.twoFactor.invalidCode, expired: t.twoFactor.expired, "already-enrolled": t.twoFactor.alreadyEnrolled }[result.reason];
      throw new ValidationError(message, "code");
    }
    // No revalidation: this page must stay as it is, showing the recovery codes once.
    return { message: t.twoFactor.enabled, shownOnce: result.recoveryCodes };
  });
}

/**
 * A code given on the security page counts in the login throttle like a code given at login: a
 * stolen session cannot guess its way to turning the second factor off.
 */
async function throttled<T>(scope: AccountScope, t: Messages, change: () => Promise<ChangeResult<T>>): Promise<T> {
  const db = await getDb();
  const address = (await headers()).get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
  const gate = await openAttempt(db, (await userEmail(db, scope.userId)).toLowerCase(), address);
  if ("lockedMinutes" in gate) throw new ValidationError(fill(t.twoFactor.locked, { minutes: gate.lockedMinutes }), "code");
  const result = await change();
  if (result.ok || result.reason !== "invalid-code") await forgetAttempt(db, gate.attemptId);
  if (result.ok) return result.value;
  throw new ValidationError({ "invalid-code": t.twoFactor.invalidCode, required: t.twoFactor.required, "not-enrolled": t.twoFactor.notEnrolled }[result.reason], "code");
}

export async function disableTwoFactorAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runOwnerFormAction(codeSchema, formData, async ({ scope, input, t }) => {
    const code = requireCode(input.code, t);
    await throttled(scope, t, async () => disableTwoFactor(await getDb(), scope, code, loadEnv().encryptionKey));
    revalidatePath("/security");
    return t.twoFactor.turnedOff;
  });
}

export async function replaceRecoveryCodesAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runOwnerFormAction(codeSchema, formData, async ({ scope, input, t }) => {
    const code = requireCode(input.code, t);
    const codes = await throttled(scope, t, async () => replaceRecoveryCodes(await getDb(), scope, code, loadEnv().encryptionKey));
    revalidatePath("/security");
    return { message: t.twoFactor.newCodesMade, shownOnce: codes };
  });
}
