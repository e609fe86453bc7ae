import { sign, verify } from "@/lib/secrets";

/** Reports above this size are sent as a signed link instead of an attachment. */
export const ATTACHMENT_LIMIT_BYTES = 10 * 1024 * 1024;
const LINK_VALID_MS = 7 * 24 * 3600 * 1000;

/** A download link for one run's report: signed, naming the account and run, valid 7 days. */
export function reportLinkToken(key: string, accountId: number, runId: number, now = new Date()): string {
  const payload = `${accountId}:${runId}:${now.getTime() + LINK_VALID_MS}`;
  return `${Buffer.from(payload).toString("base64url")}.${sign(key, "report-link", payload)}`;
}

export function readReportLinkToken(key: string, token: string, now = new Date()): { accountId: number; runId: number } | null {
  const [encoded, signature] = token.split(".");
  if (!encoded || !signature) return null;
  const payload = Buffer.from(encoded, "base64url").toString("utf8");
  if (!verify(key, "report-link", payload, signature)) return null;
  const [account, run, expires] = payload.split(":").map(Number);
  if (!account || !run || !expires || expires < now.getTime()) return null;
  return { accountId: account, runId: run };
}
