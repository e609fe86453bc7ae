import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Secrets at rest and signed links, all from ENCRYPTION_KEY (64 hex digits). Each use gets its own
 * key derived with HKDF, so a signature can never be replayed as another kind of token.
 */
const VERSION = "v1";

function derive(masterHex: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(masterHex, "hex"), Buffer.alloc(0), `portal:${purpose}`, 32));
}

/**
 * The context an account's secrets at rest are sealed with (a schedule's upload password or
 * private key): every writer and reader of them uses this one.
 */
export const accountSecretContext = (accountId: number) => `account:${accountId}`;

/**
 * AES-256-GCM with a random 96-bit nonce. The context (e.g. the account id) is authenticated, so a
 * ciphertext copied to another account's row does not decrypt.
 */
export function encryptSecret(masterHex: string, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(masterHex, "secrets"), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export function decryptSecret(masterHex: string, stored: string, context: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unreadable stored secret");
  const decipher = createDecipheriv("aes-256-gcm", derive(masterHex, "secrets"), Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

/** An HMAC-SHA-256 signature of `payload` for one purpose, URL-safe. */
export function sign(masterHex: string, purpose: string, payload: string): string {
  return createHmac("sha256", derive(masterHex, purpose)).update(payload).digest("base64url");
}

export function verify(masterHex: string, purpose: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(sign(masterHex, purpose, payload));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
