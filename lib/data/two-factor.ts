import "server-only";
import QRCode from "qrcode";
import { getDb } from "@/db/client";
import type { AccountScope, Scope } from "@/lib/auth/scope";
import { groupSecret, isEnrolled, startEnrolment, twoFactorStatus, userEmail, type TwoFactorStatus } from "@/lib/auth/two-factor";
import { loadEnv } from "@/lib/env";

/** The signed-in user's second factor: on or not, since when, recovery codes left, required or not. */
export async function getTwoFactorStatus(scope: Scope): Promise<TwoFactorStatus> {
  return twoFactorStatus(await getDb(), scope);
}

export type EnrolmentView = { email: string; secretGrouped: string; qrSvg: string };

/**
 * What the enrolment page shows: the session's new secret as a QR code (SVG, drawn here: no
 * client script, no image route) and as text. Null when the user already has a second factor.
 */
export async function newEnrolment(scope: AccountScope, sessionId: string): Promise<EnrolmentView | null> {
  const db = await getDb();
  if (await isEnrolled(db, scope.userId)) return null;
  const email = await userEmail(db, scope.userId);
  const { secret, uri } = await startEnrolment(db, { id: scope.userId, email }, sessionId, loadEnv().encryptionKey);
  const qrSvg = await QRCode.toString(uri, { type: "svg", margin: 2, errorCorrectionLevel: "M", color: { dark: "#0f172a", light: "#ffffff" } });
  return { email, secretGrouped: groupSecret(secret), qrSvg };
}
