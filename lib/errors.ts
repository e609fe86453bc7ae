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

export class ForbiddenError extends Error {
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
