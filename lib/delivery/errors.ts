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

/** Classifies an error from a network client: SMTP/FTP reply codes first, then socket errors. */
export function classify(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as { code?: string | number; responseCode?: number; message?: string; level?: string };
  const message = `${what}: ${e.message ?? String(error)}`.slice(0, 500);
  const reply = typeof e.responseCode === "number" ? e.responseCode : typeof e.code === "number" ? e.code : undefined;
  if (reply !== undefined && reply >= 400 && reply < 500) return new DeliveryError(message, "transient", String(reply));
  if (reply !== undefined && reply >= 500) return new DeliveryError(message, "permanent", String(reply));
  const code = typeof e.code === "string" ? e.code : undefined;
  if (code === "EAUTH" || e.level === "client-authentication") return new DeliveryError(message, "permanent", "auth");
  if (code && TRANSIENT_CODES.has(code)) return new DeliveryError(message, "transient", code);
  if (/timed? ?out|timeout/i.test(e.message ?? "")) return new DeliveryError(message, "transient", "timeout");
  if (/authentication|permission denied|all configured authentication methods failed/i.test(e.message ?? "")) return new DeliveryError(message, "permanent", "auth");
  return new DeliveryError(message, "permanent", code);
}
