/**
 * Domain errors, and the one map of them to what the user gets: the HTTP status and text of a
 * route's answer (`httpStatus`, `errorResponse`, `answeringErrors`) and the message a form shows, in
 * the user's language (`formError`). Pages keep Next's notFound() and its not-found page.
 */
import { fill, type Messages } from "@/lib/i18n/messages";

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

/**
 * A request body refused whole before any of it is used: cut short or without the fields expected
 * (400), stalled (408), over a size limit (413) or not readable as a batch (422: empty, not UTF-8,
 * no header row). `line` is where the problem is, when it is on one line.
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

/** The HTTP status of a domain error; 500 for any other error (a bug). */
export function httpStatus(error: unknown): number {
  if (error instanceof BodyError) return error.status;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ValidationError) return 422;
  if (error instanceof LockedError) return 409;
  if (error instanceof ConflictError) return 409;
  return 500;
}

/**
 * A domain error as a route's plain-text answer: its status and its own message (the routes'
 * answers are for programs and downloads, in English). Any other error is thrown on: Next answers
 * 500 and logs it.
 */
export function errorResponse(error: unknown): Response {
  const status = httpStatus(error);
  if (status === 500) throw error;
  return new Response(`${(error as Error).message}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** A route handler whose domain errors, wherever thrown below it, are answered by `errorResponse`. */
export function answeringErrors<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * A domain error as a form shows it, in the user's language: a message for the whole form, or one
 * field's error (a ValidationError thrown with a message already in the user's language).
 * Undefined for any other error.
 */
export function formError(error: unknown, t: Messages): { message: string; field?: string } | undefined {
  if (error instanceof NotFoundError) return { message: t.codes.notFound };
  if (error instanceof LockedError) return { message: t.codes.lockedInvoiced };
  if (error instanceof ConflictError) return { message: error.ids.length > 1 ? fill(t.codes.conflictMany, { count: error.ids.length }) : t.codes.conflict };
  if (error instanceof ValidationError && error.field) return { message: error.message, field: error.field };
  return undefined;
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
