import type { DeliveryDetails } from "@/db/schema";
import { deliveryProblem } from "@/lib/delivery/errors";
import { formatDateTime, formatLocalTime } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { DELIVERY_ATTEMPTS } from "./retry";

type T = Messages["schedules"];
/** How counts and dates are written: the words' language (its plural rules) and the account's locale. */
type Counting = { lang: string; locale: string };
/** What the history knows of a run's next attempt, and how counts and dates are written. */
export type RetryClock = Counting & { nextAttemptAt: Date | null; now: Date };
type Delivery = { destination: string; status: string; attempts: number; detail: string; details: DeliveryDetails | null };

/** "14:32 GMT" today, "05/12/2026 14:32 GMT" another day. */
function retryTimeLabel(at: Date, now: Date, locale: string): string {
  return at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? `${formatLocalTime(at, "UTC", locale)} GMT` : formatDateTime(at, "UTC", locale);
}

/**
 * The sentence under a run's status: when a waiting run is tried again and which attempt that is
 * ("Retrying automatically at 14:32 GMT (attempt 2 of 6)"), or how many attempts it took.
 */
export function runProgress(run: { status: string; attempts: number; nextAttemptAt: Date | null }, t: T, clock: Counting & { now: Date }): string {
  const h = t.runHistory;
  const next = { attempt: run.attempts + 1, max: DELIVERY_ATTEMPTS };
  if (run.status === "cancelled") return h.cancelledRun;
  if (run.status === "running") return fill(h.sending, { attempt: run.attempts, max: DELIVERY_ATTEMPTS });
  if (run.status !== "pending") return plural(clock.lang, run.attempts, t.attempts, {}, clock.locale);
  if (run.attempts === 0) return h.queued;
  if (run.nextAttemptAt && run.nextAttemptAt > clock.now) return fill(h.retryingAt, { ...next, time: retryTimeLabel(run.nextAttemptAt, clock.now, clock.locale) });
  return fill(h.retryingNow, next);
}

/** The words a problem's sentence may name: the upload's protocol, host, user and directory. */
function destinationWords(destination: string) {
  if (destination.startsWith("mail:")) return { protocol: "SMTP", host: destination.slice(5), user: "", directory: "" };
  try {
    const url = new URL(destination);
    return { protocol: url.protocol.replace(":", "").toUpperCase(), host: url.hostname, user: decodeURIComponent(url.username), directory: decodeURIComponent(url.pathname) || "/" };
  } catch {
    return { protocol: "", host: destination, user: "", directory: "" };
  }
}

/** What went wrong, in the customer's words: the kind recorded, or for an older history the kind its text shows. */
function problemSentence(d: Delivery, t: T): string {
  const details = d.details;
  if (details?.problem === "host-key-changed" && details.offered && details.expected) return fill(t.problems.hostKeyChanged, { offered: details.offered, expected: details.expected });
  if (details?.problem === "host-key-missing") return t.problems.hostKeyMissing;
  if (details?.problem === "report-not-built") return t.problems.notBuilt[details.cause ?? "unexpected"];
  const kind = details?.problem ?? deliveryProblem(d.detail, d.destination.startsWith("mail:") ? "mail" : "upload");
  return problemText(kind, destinationWords(d.destination), t) ?? t.runHistory.problems.unknown;
}

/** A kind of failure's sentence naming the destination's words, or undefined for a kind without one. */
export function problemText(kind: string, words: ReturnType<typeof destinationWords>, t: T): string | undefined {
  const sentences: Record<string, string | undefined> = t.runHistory.problems;
  const sentence = sentences[kind];
  return sentence === undefined ? undefined : fill(sentence, words);
}

/**
 * What the history (and the owner's e-mail) says of a destination not delivered: what went wrong
 * in the customer's words, then whether and when it is tried again. The driver's or server's own
 * text stays in `detail`, which the history folds away.
 */
export function deliveryNote(d: Delivery, t: T, clock: Counting | RetryClock): string {
  if (d.status === "delivered") return "";
  if (d.status === "unsubscribed") return t.runHistory.unsubscribed;
  if (d.status === "cancelled") return t.runHistory.cancelled;
  const sentence = problemSentence(d, t);
  if (d.status !== "pending") {
    // A failure that waiting would not mend says what to check; one given up on after retries says so.
    return d.attempts > 1 || d.details?.problem === "report-not-built" ? `${sentence} ${plural(clock.lang, d.attempts, t.problems.gaveUp, {}, clock.locale)}` : sentence;
  }
  const retry = "now" in clock ? clock : null;
  const at = retry?.nextAttemptAt && retry.nextAttemptAt > retry.now ? retry.nextAttemptAt : null;
  return `${sentence} ${at && retry ? fill(t.runHistory.tryAgainAt, { time: retryTimeLabel(at, retry.now, retry.locale) }) : t.problems.retrying}`;
}

/** Poll every 2 s while a run is being sent or about to be; at most once a minute while one waits for a later retry. */
const LIVE_MS = 2_000;
const WAITING_MS = 60_000;

/**
 * How often a page showing these runs refreshes itself, or null when none is open (nothing will
 * change without a new *Send now*): soon after a waiting run's next attempt is due, else often.
 */
export function refreshInterval(runs: { status: string; nextAttemptAt: Date | null }[], now: Date): number | null {
  const open = runs.filter((r) => r.status === "pending" || r.status === "running");
  if (!open.length) return null;
  const soonest = Math.min(...open.map((r) => (r.status === "running" || !r.nextAttemptAt ? 0 : r.nextAttemptAt.getTime() - now.getTime())));
  return soonest <= LIVE_MS ? LIVE_MS : Math.min(WAITING_MS, soonest + 1_000);
}
