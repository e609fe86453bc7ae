import type { DeliveryProblem } from "@/db/schema";

/**
 * A delivery that did not happen. "transient" failures (SMTP 4xx, timeouts, refused connections)
 * are retried with backoff; "permanent" ones (SMTP 5xx, authentication, a missing directory) stop
 * the destination and show in the run's history.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: "transient" | "permanent",
    readonly code?: string,
  ) {
    super(message);
    this.name = "DeliveryError";
  }
}

const TRANSIENT_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ETIMEOUT", "ESOCKET", "ECONNECTION"]);
const AUTH_TEXT = /all configured authentication methods failed|authentication failed|login incorrect|invalid (username|user name|login) or password|not logged in/i;

/** Classifies an error from a network client: SMTP/FTP reply codes first, then socket errors. */
export function classify(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as { code?: string | number; responseCode?: number; message?: string; level?: string };
  const message = `${what}: ${e.message ?? String(error)}`.slice(0, 500);
  const reply = typeof e.responseCode === "number" ? e.responseCode : typeof e.code === "number" ? e.code : undefined;
  // FTP's 530: the server refused the login.
  if (reply === 530) return new DeliveryError(message, "permanent", "auth");
  if (reply !== undefined && reply >= 400 && reply < 500) return new DeliveryError(message, "transient", String(reply));
  if (reply !== undefined && reply >= 500) return new DeliveryError(message, "permanent", String(reply));
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code === "EAUTH" || e.level === "client-authentication") return new DeliveryError(message, "permanent", "auth");
  if (code && TRANSIENT_CODES.has(code)) return new DeliveryError(message, "transient", code);
  if (/timed? ?out|timeout/i.test(e.message ?? "")) return new DeliveryError(message, "transient", "timeout");
  if (AUTH_TEXT.test(e.message ?? "")) return new DeliveryError(message, "permanent", "auth");
  const socket = /\b(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)\b/.exec(e.message ?? "")?.[1];
  if (socket) return new DeliveryError(message, "transient", socket);
  return new DeliveryError(message, "permanent", code);
}

type Facts = { code: string; reply: number | undefined; text: string };
/** The one table from an error to its kind, first match wins; `mail` rules read an SMTP answer. */
const UPLOAD_RULES: [DeliveryProblem, (f: Facts) => boolean][] = [
  ["host-key-changed", (f) => f.code === "host-key-changed"],
  ["host-key-missing", (f) => f.code === "host-key-missing" || f.code === "host-key-unknown"],
  ["private-address", (f) => f.code === "private-address"],
  ["no-secret", (f) => f.code === "no-secret"],
  ["dns", (f) => /could not be resolved|has no address|ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(f.text)],
  ["auth", (f) => f.code === "auth" || f.reply === 530 || AUTH_TEXT.test(f.text)],
  ["tls", (f) => /certificate|self[- ]signed|unable to verify|ERR_TLS|ERR_SSL|SSL routines|handshake failure|wrong version number/i.test(f.text)],
  ["refused", (f) => f.code === "ECONNREFUSED" || /ECONNREFUSED/.test(f.text)],
  ["unreachable", (f) => /EHOSTUNREACH|ENETUNREACH/.test(`${f.code} ${f.text}`)],
  ["timeout", (f) => f.code === "ETIMEDOUT" || f.code === "timeout" || /timed? ?out|timeout/i.test(f.text)],
  ["connection-lost", (f) => /ECONNRESET|EPIPE|socket hang up|connection (lost|closed|reset)/i.test(`${f.code} ${f.text}`)],
  ["disk-full", (f) => f.reply === 452 || f.reply === 552 || /ENOSPC|no space|disk full|quota|insufficient storage/i.test(f.text)],
  ["permission", (f) => /permission denied|EACCES|EPERM|access denied|not permitted/i.test(f.text)],
  ["no-directory", (f) => /no such file|ENOENT|does not exist|not found|cannot find/i.test(f.text)],
];
const MAIL_RULES: [DeliveryProblem, (f: Facts) => boolean][] = [
  ["mailbox-full", (f) => f.reply === 452 || f.reply === 552 || /mailbox (is )?full|over quota|insufficient storage/i.test(f.text)],
  ["mail-busy", (f) => f.reply !== undefined && f.reply >= 400 && f.reply < 500],
  ["recipient-refused", (f) => f.reply !== undefined && f.reply >= 500],
];

/**
 * The kind of a delivery failure, from its error (or, for a history written before kinds were
 * recorded, from its stored text). A mail failure that is not an SMTP answer about the recipient
 * is our own mail service's.
 */
export function deliveryProblem(failure: unknown, channel: "mail" | "upload"): DeliveryProblem {
  const e = (failure ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof failure === "string" ? failure : String(e.message ?? "");
  const code = typeof e.code === "string" ? e.code : "";
  const reply = /^\d{3}$/.test(code) ? Number(code) : Number(/\b([45]\d\d)[ -]/.exec(text)?.[1] ?? NaN) || undefined;
  const facts = { code, reply, text };
  const found = (channel === "mail" ? MAIL_RULES : UPLOAD_RULES).find(([, matches]) => matches(facts));
  return found ? found[0] : channel === "mail" ? "mail-service" : "unknown";
}
