import { products, serviceTypes, type Product, type ServiceType } from "@/db/schema";

/** One problem of one row, as the API and the rejects file report it. */
export type RowError = { line: number; field: string; message: string };

/** A row left out of a batch stored without its bad rows: its fields as sent (by name), and why. */
export type RejectedRow = { line: number; fields: Record<string, unknown>; errors: RowError[] };

const MAX_LEG_HOURS = 48;

// ISO 8601 with an explicit offset: a timestamp without one is ambiguous across time zones.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ROOM_NUMBER = /^\d{6}$/;
const BILLING_CODE = /^[A-Za-z0-9-]+$/;
const SERVICE_TYPES: ReadonlySet<string> = new Set(serviceTypes);
const PRODUCTS: ReadonlySet<string> = new Set(products);

const message = {
  required: "is required",
  timestamp: "must be an ISO 8601 timestamp with an offset, e.g. 2026-10-06T14:05:00+02:00",
  notADate: "is not a real date and time",
  notText: "must be text",
  room: "must be a 6-digit room number",
  serviceType: `must be one of ${serviceTypes.join(", ")}`,
  product: `must be one of ${products.join(", ")}`,
  codeCharacters: "must be letters, digits or hyphens",
  nul: "must not contain the NUL character",
  atMost: (max: number) => `must be at most ${max} characters`,
};

export type Cdr = {
  line: number;
  legId: string;
  conferenceId: string;
  roomNumber: string;
  serviceType: ServiceType;
  /** Epoch milliseconds. */
  startedMs: number;
  endedMs: number;
  callerName: string;
  callerNumber: string;
  dialedNumber: string;
  billingCode: string | undefined;
  product: Product | undefined;
};

/** A field's value as text: CSV values are strings already; NDJSON numbers (a room number) are read as their text. */
function textOf(value: unknown): unknown {
  return typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : value === null ? undefined : value;
}

// The checks below push onto the row's error list and hand back the value, so that no closure is
// made per row: this runs a million times for one large batch.

function identifier(value: unknown, line: number, field: string, errors: RowError[]): string {
  if (typeof value !== "string" || !value) errors.push({ line, field, message: message.required });
  else if (value.length > 100) errors.push({ line, field, message: message.atMost(100) });
  else if (value.includes("\0")) errors.push({ line, field, message: message.nul });
  return typeof value === "string" ? value : "";
}

const digit = (text: string, at: number) => {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
/** Two digits as a number; NaN if either is not a digit (NaN then fails every range check). */
const two = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!);

/**
 * Whether the date and time written at the start of an ISO 8601 text (`YYYY-MM-DDTHH:MM[:SS]`) exist:
 * Date.parse moves 31 April to 1 May and reads 24:00 as the next day.
 */
function existing(text: string, withSeconds: boolean): boolean {
  const year = two(text, 0) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && two(text, 11) <= 23 && two(text, 14) <= 59 && (!withSeconds || two(text, 17) <= 59);
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the civil-days algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

const [DASH, COLON, DOT, T, Z] = ["-", ":", ".", "T", "Z"].map((c) => c.charCodeAt(0));

/**
 * The bridge's usual form, `YYYY-MM-DDTHH:MM:SS[.mmm]Z` with every field in range, read by
 * arithmetic (two timestamps a leg, a million legs a batch: a third of the time of a regular
 * expression and Date.parse); undefined for any other text, which the general path then checks.
 * Same instant as Date.parse (validate.test.ts compares them).
 */
function plainUtc(text: string): number | undefined {
  const n = text.length;
  if ((n !== 20 && n !== 24) || text.charCodeAt(n - 1) !== Z) return undefined;
  if (text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== T || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return undefined;
  if (n === 24 && text.charCodeAt(19) !== DOT) return undefined;
  const ms = n === 24 ? two(text, 20) * 10 + digit(text, 22) : 0;
  const year = two(text, 0) * 100 + two(text, 2);
  if (!(year >= 1000 && ms >= 0 && existing(text, true))) return undefined;
  const days = daysFromCivil(year, two(text, 5), two(text, 8));
  return ((days * 24 + two(text, 11)) * 60 + two(text, 14)) * 60_000 + two(text, 17) * 1000 + ms;
}

/** Epoch milliseconds, or NaN with the problem reported. */
function timestamp(value: unknown, line: number, field: string, errors: RowError[]): number {
  const plain = typeof value === "string" ? plainUtc(value) : undefined;
  if (plain !== undefined) return plain;
  if (typeof value !== "string" || !ISO_WITH_OFFSET.test(value)) {
    errors.push({ line, field, message: typeof value === "string" ? message.timestamp : message.required });
    return Number.NaN;
  }
  const ms = existing(value, value[16] === ":") ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) errors.push({ line, field, message: message.notADate });
  return ms;
}

/** An optional text: "" when absent. */
function optional(value: unknown, line: number, field: string, max: number, errors: RowError[]): string {
  if (value === undefined) return "";
  if (typeof value !== "string") errors.push({ line, field, message: message.notText });
  else if (value.length > max) errors.push({ line, field, message: message.atMost(max) });
  // PostgreSQL's text cannot hold it.
  else if (value.includes("\0")) errors.push({ line, field, message: message.nul });
  return typeof value === "string" ? value : "";
}

/** Checks one record (values in lib/ingest/parse.ts FIELDS order); every problem is reported, field by field. */
export function validateRecord(line: number, values: unknown[], now: Date, oldest: Date): { cdr: Cdr } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const legId = identifier(textOf(values[0]), line, "leg_id", errors);
  const conferenceId = identifier(textOf(values[1]), line, "conference_id", errors);
  const room = textOf(values[2]);
  const roomNumber = typeof room === "string" ? room.replace(/\s+/g, "") : "";
  if (typeof room !== "string") errors.push({ line, field: "room_number", message: message.required });
  else if (!ROOM_NUMBER.test(roomNumber)) errors.push({ line, field: "room_number", message: message.room });
  const serviceType = textOf(values[3]);
  if (typeof serviceType !== "string" || !SERVICE_TYPES.has(serviceType)) errors.push({ line, field: "service_type", message: message.serviceType });
  const startedMs = timestamp(textOf(values[4]), line, "started_at", errors);
  const endedMs = timestamp(textOf(values[5]), line, "ended_at", errors);
  const callerName = optional(textOf(values[6]), line, "caller_name", 200, errors);
  const callerNumber = optional(textOf(values[7]), line, "caller_number", 40, errors);
  const dialedNumber = optional(textOf(values[8]), line, "dialed_number", 40, errors);
  const code = optional(textOf(values[9]), line, "billing_code", Infinity, errors);
  if (code.length > 20) errors.push({ line, field: "billing_code", message: message.atMost(20) });
  if (code && !BILLING_CODE.test(code)) errors.push({ line, field: "billing_code", message: message.codeCharacters });
  const product = optional(textOf(values[10]), line, "product", Infinity, errors);
  if (product && !PRODUCTS.has(product)) errors.push({ line, field: "product", message: message.product });
  if (errors.length) return { errors };

  const seconds = (endedMs - startedMs) / 1000;
  if (seconds < 0) errors.push({ line, field: "ended_at", message: "is before started_at" });
  else if (seconds > MAX_LEG_HOURS * 3600) errors.push({ line, field: "ended_at", message: `makes the leg longer than ${MAX_LEG_HOURS} hours` });
  if (endedMs > now.getTime() + 5 * 60_000) errors.push({ line, field: "ended_at", message: "is in the future" });
  if (startedMs < oldest.getTime()) errors.push({ line, field: "started_at", message: "is older than the 12 months of usage kept" });
  if (errors.length) return { errors };
  return {
    cdr: {
      line,
      legId,
      conferenceId,
      roomNumber,
      serviceType: serviceType as ServiceType,
      startedMs,
      endedMs,
      callerName,
      callerNumber,
      dialedNumber,
      billingCode: code || undefined,
      product: (product || undefined) as Product | undefined,
    },
  };
}
