import { randomBytes, randomInt } from "node:crypto";
import { sign, verify } from "@/lib/secrets";

/** How many recovery codes an enrolment gives; each works once. */
const RECOVERY_CODE_COUNT = 10;

/** Letters and digits no one mistakes for another (no 0/o, 1/i/l, u/v). */
const ALPHABET = "23456789abcdefghjkmnpqrstwxyz";
const LENGTH = 10;
const PURPOSE = "recovery-code";

/** `k7m2p-x9qrt`: 10 characters of 29, about 48 bits, written in two groups of 5. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** What the user typed, as it was generated: case, spaces and hyphens do not matter. */
const normalizeRecoveryCode = (typed: string) => typed.toLowerCase().replace(/[\s-]+/g, "");

/** Whether `typed` could be a recovery code at all (and not a 6-digit TOTP code). */
export const looksLikeRecoveryCode = (typed: string) => new RegExp(`^[${ALPHABET}]{${LENGTH}}$`).test(normalizeRecoveryCode(typed));

/**
 * What is stored: `salt.hmac`. A keyed HMAC (the key derived from ENCRYPTION_KEY) with a random
 * salt: a copy of the table alone cannot be searched for the codes, and checking the 10 codes of
 * a user at login costs microseconds, not 10 Argon2 runs.
 */
export function hashRecoveryCode(encryptionKey: string, code: string): string {
  const salt = randomBytes(8).toString("base64url");
  return `${salt}.${sign(encryptionKey, PURPOSE, `${salt}:${normalizeRecoveryCode(code)}`)}`;
}

export function recoveryCodeMatches(encryptionKey: string, stored: string, typed: string): boolean {
  const [salt, mac] = stored.split(".");
  if (!salt || !mac) return false;
  return verify(encryptionKey, PURPOSE, `${salt}:${normalizeRecoveryCode(typed)}`, mac);
}
