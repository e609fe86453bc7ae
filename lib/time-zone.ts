/**
 * Wall clocks of time zones. Formatting an instant in a zone is slow (µs with a cached formatter,
 * far more when one is built each time) and pages and files convert thousands of instants, so each
 * zone's offset is looked up once per hour of UTC: when it is the same at both ends of the hour, it
 * holds for the whole hour; the hour of a change of offset is worked out instant by instant.
 */
type ZoneClock = { format: Intl.DateTimeFormat; offsets: Map<number, number> };
const zoneClocks = new Map<string, ZoneClock>();
const HOUR_MS = 3_600_000;
/** Hours whose offset is remembered per zone (a year of hours is about 9,000). */
const OFFSETS_KEPT = 20_000;

/** The zone's offset from UTC at a whole second, in ms: wall clock (as UTC fields) minus the instant. */
function offsetAt(format: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - ms;
}

/** The zone's offset from UTC at an instant (ms since the epoch, taken to the second), in ms. */
export function zoneOffset(instant: number, timeZone: string): number {
  let clock = zoneClocks.get(timeZone);
  if (!clock) {
    const format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    zoneClocks.set(timeZone, (clock = { format, offsets: new Map() }));
  }
  const second = Math.floor(instant / 1000) * 1000;
  if (!Number.isFinite(second)) throw new RangeError(`wallClock: invalid date`);
  const hour = Math.floor(second / HOUR_MS);
  let offset = clock.offsets.get(hour);
  if (offset === undefined) {
    const start = offsetAt(clock.format, hour * HOUR_MS);
    offset = start === offsetAt(clock.format, (hour + 1) * HOUR_MS - 1000) ? start : Number.NaN;
    if (clock.offsets.size >= OFFSETS_KEPT) clock.offsets.clear();
    clock.offsets.set(hour, offset);
  }
  return Number.isNaN(offset) ? offsetAt(clock.format, second) : offset;
}

/** {@link wallClock} on milliseconds since the epoch, without a Date: the wall clock's fields as a UTC time, to the second. */
export function wallClockTime(instant: number, timeZone: string): number {
  return Math.floor(instant / 1000) * 1000 + zoneOffset(instant, timeZone);
}

/** An instant as the wall-clock date and time of a zone, to the second (e.g. for a date cell: Excel dates have no zone). */
export function wallClock(instant: Date, timeZone: string): Date {
  return new Date(wallClockTime(instant.getTime(), timeZone));
}

/** The GMT (UTC) day of an instant, as YYYY-MM-DD: the one way a day is written from an instant. */
export const isoDay = (instant: Date | number) => new Date(instant).toISOString().slice(0, 10);
