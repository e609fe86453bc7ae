/** One formatter each for money, durations and room numbers; used by every page and export. */
import { zoneOffset } from "./time-zone";

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormats.set(key, format);
  }
  return format;
}

/** Digits after the decimal point of a currency: 2 for EUR, 0 for JPY, 3 for KWD. */
const digitsByCurrency = new Map<string, number>();

export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = moneyFormat("en", currency).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * Integer minor units as a decimal string with a point, e.g. 11659 EUR → "116.59", 1999 JPY →
 * "1999": written from the digits, so no float division is involved.
 */
export function minorToDecimal(minor: number, currency: string): `${number}` {
  const digits = minorDigits(currency);
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0");
  const decimal = digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs;
  return `${minor < 0 ? "-" : ""}${decimal}` as `${number}`;
}

/** Formats integer minor units, e.g. 11659 EUR in fr-FR → "116,59 €". */
export function formatMoney(minor: number, currency: string, locale: string): string {
  // Intl formats a decimal string exactly.
  return moneyFormat(locale, currency).format(minorToDecimal(minor, currency));
}

/** A rate stored in ten-thousandths of the currency unit (rate_per_minute_e4) as a decimal string: 450 → "0.0450". */
export function rateToDecimal(rateE4: number): `${number}` {
  const abs = String(Math.abs(rateE4)).padStart(5, "0");
  return `${rateE4 < 0 ? "-" : ""}${abs.slice(0, -4)}.${abs.slice(-4)}` as `${number}`;
}

const rateFormats = new Map<string, Intl.NumberFormat>();

/**
 * A rate in ten-thousandths of the currency unit per minute, read like money: the currency's
 * digits, more only when the rate has them (900 EUR → "€0.09", 935 → "€0.0935", 450 → "0,045 €").
 */
export function formatRate(rateE4: number, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  let format = rateFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: minorDigits(currency), maximumFractionDigits: 4 });
    rateFormats.set(key, format);
  }
  return format.format(rateToDecimal(rateE4));
}

/** A file's size in the locale's style: "12.3 MB", "12,3 Mo"; under a megabyte in kilobytes, rounded up ("18 kB"). */
export function formatSize(bytes: number, locale: string): string {
  const mega = bytes >= 1024 * 1024;
  const unit = new Intl.NumberFormat(locale, { style: "unit", unit: mega ? "megabyte" : "kilobyte", minimumFractionDigits: mega ? 1 : 0, maximumFractionDigits: mega ? 1 : 0 });
  return unit.format(mega ? bytes / 1024 / 1024 : Math.ceil(bytes / 1024));
}

const percentFormats = new Map<string, Intl.NumberFormat>();

/** How much of `whole` `part` is, in whole percent rounded down (a threshold is never shown reached early): "85 %" in fr-FR, "85%" in en-GB. */
export function formatPercent(part: number, whole: number, locale: string): string {
  let format = percentFormats.get(locale);
  if (!format) percentFormats.set(locale, (format = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 })));
  return format.format(whole > 0 ? Math.floor((part * 100) / whole) / 100 : 0);
}

const countFormats = new Map<string, Intl.NumberFormat>();

/** A count (lines, pages, conferences) in the locale's digits: 5675 → "5 675" in fr-FR, "5,675" in en-GB. */
export function formatCount(n: number, locale: string): string {
  let format = countFormats.get(locale);
  if (!format) countFormats.set(locale, (format = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return format.format(n);
}

/** Seconds as HH:MM:SS; hours go past 24 (e.g. "125:03:10"). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return [hours, minutes, seconds].map((n) => String(n).padStart(2, "0")).join(":");
}

/** Room and account numbers grouped 2-3-1: "332703" → "33 270 3". */
export function formatRoomNumber(number: string): string {
  return number.length === 6 ? `${number.slice(0, 2)} ${number.slice(2, 5)} ${number.slice(5)}` : number;
}

// Formatters are costly to build and long tables format hundreds of values a page: one per
// locale, zone and kind, built once.
const DATE_TIME_KINDS = {
  date: { day: "2-digit", month: "2-digit", year: "numeric" },
  time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
  timeWithSeconds: { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(locale: string, timeZone: string, kind: keyof typeof DATE_TIME_KINDS): Intl.DateTimeFormat {
  const key = `${kind}|${locale}|${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone, ...DATE_TIME_KINDS[kind] });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A date in the account's zone and locale: "06/10/2026". */
export const formatLocalDate = (instant: Date, timeZone: string, locale: string) => dateTimeFormat(locale, timeZone, "date").format(instant);

/** A time of day in the account's zone, 24-hour: "14:05", or "14:05:09" with seconds. */
export const formatLocalTime = (instant: Date, timeZone: string, locale: string, seconds = false) =>
  dateTimeFormat(locale, timeZone, seconds ? "timeWithSeconds" : "time").format(instant);

/**
 * The one way a moment is shown to a person, on pages, in e-mails and in messages: the account's
 * date style, 24-hour time and the zone's offset, "05/12/2026 14:32 GMT" (schedules run in GMT),
 * "05/12/2026 15:32 GMT+1". ISO stays for file names, URLs, form values and machine formats.
 */
export const formatDateTime = (instant: Date, timeZone: string, locale: string) =>
  `${formatLocalDate(instant, timeZone, locale)} ${formatLocalTime(instant, timeZone, locale)} ${gmtOffset(instant, timeZone)}`;

/** A day as forms, URLs and the database carry it (YYYY-MM-DD, a GMT day) in the account's date style: "04/12/2026". */
export const formatDay = (day: string, locale: string) => formatLocalDate(new Date(`${day}T00:00:00Z`), "UTC", locale);

/** The zone's offset at that instant as the OAI writes it: "GMT+1", "GMT+2", "GMT", "GMT+5:30". */
export function gmtOffset(instant: Date, timeZone: string): string {
  const minutes = Math.round(zoneOffset(instant.getTime(), timeZone) / 60_000);
  if (minutes === 0) return "GMT";
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `GMT${minutes < 0 ? "-" : "+"}${Math.floor(abs / 60)}${rest ? `:${String(rest).padStart(2, "0")}` : ""}`;
}
