/**
 * How often and when a run is tried: the job runner's settings (lib/jobs/queue.ts) and the words
 * of the history ("attempt 2 of 6") read the same numbers.
 */
export const DELIVERY_ATTEMPTS = 6;
/** The first retry's delay; doubled at each attempt: 1, 2, 4, 8 and 16 minutes. */
export const RETRY_BASE_MS = 60_000;

/** When a run that has had `attempts` attempts is tried again. */
export const retryTime = (attempts: number, baseMs: number, now = Date.now()) => new Date(now + baseMs * 2 ** Math.max(0, attempts - 1));
