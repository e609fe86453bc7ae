/** Domain errors, mapped to HTTP statuses and form messages in one place (`httpStatus`). */
export class NotFoundError extends Error {
  constructor(what = "Not found") {
    super(what);
    this.name = "NotFoundError";
  }
}

export class ValidationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "ValidationError";
  }
}

export class LockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockedError";
  }
}

/** The record changed since the user saw it: nothing was written, the user must look again. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly ids: number[] = [],
  ) {
    super(message);
    this.name = "ConflictError";
  }
}

class ForbiddenError extends Error {
  constructor(message = "Forbidden") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/**
 * A request body refused whole before any of it is used: cut short (400), stalled (408), over a
 * size limit (413) or not readable as a batch (422: empty, not UTF-8, no header row). `line` is
 * where the problem is, when it is on one line.
 */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 422,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = "BodyError";
  }
}

export function httpStatus(error: unknown): number {
  if (error instanceof BodyError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ValidationError) return 422;
  if (error instanceof LockedError) return 409;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ForbiddenError) return 403;
  return 500;
}

/**
 * SQLSTATE classes of a database that was interrupted rather than asked something wrong:
 * connection (08), resources (53), operator intervention (57: shutdown, terminated session,
 * cancelled query); and 34000, a cursor whose portal was lost.
 */
const INTERRUPTED_SQLSTATE = /^(08|53|57)[0-9A-Z]{3}$|^34000$/;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
/** node-postgres's words for a connection lost or never made (no code), and the cursor's for rows that stopped short. */
const CONNECTION_LOST = /Connection terminated|not queryable|timeout exceeded when trying to connect|rows stopped before their end/i;

/** Whether an error says the database was interrupted (restarted, cut off, unreachable), not that the work itself was wrong. */
export function isDatabaseInterruption(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string" && (INTERRUPTED_SQLSTATE.test(code) || NETWORK_CODES.has(code))) return true;
  return typeof message === "string" && CONNECTION_LOST.test(message);
}
