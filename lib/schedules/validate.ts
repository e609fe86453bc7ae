import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import ssh2 from "ssh2";
import { z } from "zod";
import { frequencies, relativeRanges, scheduleFormats, uploadProtocols, type Frequency, type RelativeRange, type ScheduleFormat, type UploadTarget } from "@/db/schema";
import { HOST_KEY_FINGERPRINT } from "@/lib/delivery/host-key";
import { fill, type Messages } from "@/lib/i18n/messages";
import { isoDate } from "./timing";

export const MAX_SCHEDULES = 10;
const MAX_EMAILS = 20;
const MAX_KEY_BYTES = 16 * 1024;
const MAX_CA_BYTES = 64 * 1024;

export type ScheduleInput = {
  name: string;
  reportQuery: string;
  frequency: Frequency;
  weekday: number | null;
  monthDay: number | null;
  timeOfDay: number;
  range: RelativeRange | "custom";
  rangeFrom: string | null;
  rangeTo: string | null;
  format: ScheduleFormat;
  emails: string[];
  upload: UploadTarget | null;
  /** The password or key typed now; undefined keeps the stored one (only allowed for the same destination). */
  secret: string | undefined;
  /** SFTP: the server key the owner accepted (OpenSSH's "SHA256:…"). */
  hostKey?: string | null;
  /** FTPS: a private certificate authority (PEM) to trust instead of the public ones. */
  ca?: string | null;
};

type Raw = Record<string, unknown>;
type Errors = Messages["schedules"]["errors"];
type Add = (field: string, message: string) => void;
const text = (raw: Raw, key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : "");

const email = z.email();
// RFC 1123 host names: letters, digits and hyphens in dot-separated labels.
const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Pasted keys and certificates are lines of text: line breaks, and nothing else of C0. */
const CONTROL_BUT_LINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Each field of the form with the message it shows when refused. A control character (CR, LF,
 * NUL, any C0 or DEL) is refused in every one of them, whether the field is in use or not: a
 * password with CR LF would be an FTP command of its own, a name with one a header line.
 */
const fieldMessages = (t: Errors, raw: Raw): Record<string, string> => ({
  name: t.name,
  report: t.report,
  frequency: t.frequency,
  weekday: t.weekday,
  monthDay: t.monthDay,
  time: t.time,
  range: t.range,
  from: t.date,
  to: t.date,
  format: t.format,
  emails: t.emails,
  protocol: t.protocol,
  host: fill(t.host, { value: visible(text(raw, "host")) }),
  port: t.port,
  directory: t.directory,
  user: t.user,
  auth: t.auth,
  password: t.password,
  hostKey: t.hostKey,
});
const multiLineMessages = (t: Errors): Record<string, string> => ({ privateKey: t.keyInvalid, ca: t.ca });

/** A value as it can be shown in a message: control characters as U+2400 pictures (␍ ␊ ␀). */
const visible = (value: string) => value.slice(0, 80).replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0))).replace(/\u007f/g, "\u2421");

function refuseControlCharacters(raw: Raw, t: Errors, add: Add) {
  for (const [field, message] of Object.entries(fieldMessages(t, raw))) if (CONTROL.test(text(raw, field))) add(field, message);
  for (const [field, message] of Object.entries(multiLineMessages(t))) if (CONTROL_BUT_LINES.test(text(raw, field))) add(field, message);
}

/** One of `values`, or an error at `field`: an unknown value is refused, never replaced by a default. */
function oneOf<T extends string>(raw: Raw, field: string, values: readonly T[], add: Add, message: string): T | undefined {
  const value = values.find((v) => v === text(raw, field));
  if (!value) add(field, message);
  return value;
}

const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

function privateKeyProblem(key: string, t: Errors): string | null {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) return fill(t.keyTooLarge, { size: sizeLabel(bytes) });
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) return /passphrase/i.test(parsed.message) ? t.keyEncrypted : t.keyInvalid;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first) return t.keyInvalid;
  return first.isPrivateKey() ? null : t.keyPublic;
}

/** One or more PEM certificates, each readable, and nothing else; normalised to LF line ends. */
function caCertificates(pem: string): string | null {
  const normalised = pem.replace(/\r\n?/g, "\n").trim();
  if (Buffer.byteLength(normalised) > MAX_CA_BYTES) return null;
  const blocks = normalised.match(PEM_CERTIFICATE) ?? [];
  if (!blocks.length || normalised.replace(PEM_CERTIFICATE, "").trim()) return null;
  try {
    for (const block of blocks) new X509Certificate(block);
  } catch {
    return null;
  }
  return `${blocks.join("\n")}\n`;
}

type When = Pick<ScheduleInput, "frequency" | "weekday" | "monthDay" | "timeOfDay" | "range" | "rangeFrom" | "rangeTo">;

/** Frequency, time of day and date range. */
function parseWhen(raw: Raw, t: Errors, today: string, add: Add): Partial<When> {
  const frequency = oneOf(raw, "frequency", frequencies, add, t.frequency);
  let weekday: number | null = null;
  let monthDay: number | null = null;
  if (frequency === "weekly") {
    weekday = Number(text(raw, "weekday"));
    if (!/^[1-7]$/.test(text(raw, "weekday"))) add("weekday", t.weekday);
  }
  if (frequency === "monthly") {
    const day = text(raw, "monthDay");
    monthDay = day === "last" ? 0 : Number(day);
    if (!/^(last|[1-9]|1\d|2[0-8])$/.test(day)) add("monthDay", t.monthDay);
  }
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text(raw, "time").trim());
  if (!time) add("time", t.time);
  const timeOfDay = time ? Number(time[1]) * 60 + Number(time[2]) : 0;

  const range = oneOf(raw, "range", [...relativeRanges, "custom" as const], add, t.range);
  let rangeFrom: string | null = null;
  let rangeTo: string | null = null;
  if (range === "custom") {
    const validDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isoDate(new Date(`${v}T00:00:00Z`)) === v;
    rangeFrom = text(raw, "from").trim();
    rangeTo = text(raw, "to").trim();
    if (!validDate(rangeFrom)) add("from", t.date);
    if (!validDate(rangeTo)) add("to", t.date);
    else if (rangeTo > today) add("to", fill(t.futureEnd, { today }));
    if (validDate(rangeFrom) && validDate(rangeTo) && rangeFrom > rangeTo) add("from", t.fromAfterTo);
  }
  return { frequency, weekday, monthDay, timeOfDay, range, rangeFrom, rangeTo };
}

function parseEmails(raw: Raw, t: Errors, add: Add): string[] {
  const emailText = text(raw, "emails").trim();
  const emails: string[] = [];
  for (const word of emailText ? emailText.split(/\s+/) : []) {
    if (/[,;]/.test(word)) {
      add("emails", fill(t.commas, { value: word }));
      break;
    }
    if (!email.safeParse(word).success || word.length > 254) add("emails", fill(t.badEmail, { value: visible(word) }));
    else if (!emails.some((e) => e.toLowerCase() === word.toLowerCase())) emails.push(word);
  }
  if (emails.length > MAX_EMAILS) add("emails", fill(t.tooManyEmails, { max: MAX_EMAILS }));
  return emails;
}

type Destination = Pick<ScheduleInput, "upload" | "secret" | "hostKey" | "ca">;
type DestinationOptions = { stored?: UploadTarget | null; hasStoredSecret?: boolean; requireHostKey?: boolean };

/** The upload destination: protocol, server, sign-in, and how the server proves who it is. */
function parseDestination(raw: Raw, t: Errors, o: DestinationOptions, add: Add): Destination | null {
  if (text(raw, "protocol") === "") return null;
  const protocol = oneOf(raw, "protocol", uploadProtocols, add, t.protocol);
  if (!protocol) return null;
  const host = text(raw, "host").trim();
  if (!(isIP(host) || HOST.test(host))) add("host", fill(t.host, { value: visible(host) }));
  const portText = text(raw, "port").trim();
  const port = portText === "" ? (protocol === "sftp" ? 22 : 21) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !/^\d*$/.test(portText)) add("port", t.port);
  const directory = text(raw, "directory").trim() || "/";
  if (directory.length > 500 || directory.split("/").includes("..")) add("directory", t.directory);
  const user = text(raw, "user").trim();
  if (!user || user.length > 100) add("user", t.user);
  // FTP and FTPS offer no choice: a form without the field signs in with a password.
  const auth = text(raw, "auth") === "" ? "password" : (oneOf(raw, "auth", ["password", "key"] as const, add, t.auth) ?? "password");
  const upload: UploadTarget = { protocol, host: host.toLowerCase(), port, directory, user, auth };

  let secret: string | undefined;
  const typed = auth === "key" ? text(raw, "privateKey").trim() : text(raw, "password");
  if (auth === "key" && protocol !== "sftp") add("auth", t.keyOnlySftp);
  else if (typed) {
    if (auth === "key") {
      const problem = privateKeyProblem(typed, t);
      if (problem) add("privateKey", problem);
      else secret = `${typed}\n`;
    } else if (typed.length > 1000) add("password", t.password);
    else secret = typed;
  } else {
    const s = o.stored;
    const same = s && o.hasStoredSecret && s.protocol === protocol && s.host === upload.host && s.port === port && s.user === user && s.auth === auth;
    if (!same) add(auth === "key" ? "privateKey" : "password", s && o.hasStoredSecret ? t.passwordAgain : auth === "key" ? t.keyInvalid : t.password);
  }

  let hostKey: string | null = null;
  if (protocol === "sftp") {
    hostKey = text(raw, "hostKey").trim() || null;
    if (hostKey && !HOST_KEY_FINGERPRINT.test(hostKey)) add("hostKey", t.hostKey);
    else if (!hostKey && o.requireHostKey) add("hostKey", t.hostKeyRequired);
  }
  let ca: string | null = null;
  const caText = text(raw, "ca").trim();
  if (protocol === "ftps" && caText) {
    ca = caCertificates(caText);
    if (!ca) add("ca", t.ca);
  }
  return { upload, secret, hostKey, ca };
}

/**
 * Reads the schedule form. Every problem is reported at its field with a message that names the
 * bad value; nothing is saved unless all is valid. An unknown choice (a frequency, protocol,
 * format… the form does not offer) is refused, never read as a default. `stored` is the
 * destination already saved (when editing), whose secret may be kept; `checkReport` validates the
 * report's own parameters; `requireHostKey` (saving, not testing) wants the SFTP server's key accepted.
 */
export function parseScheduleForm(
  raw: Raw,
  options: { t: Messages; now: Date; checkReport: (query: string) => string | null } & DestinationOptions,
): { ok: true; value: ScheduleInput } | { ok: false; errors: Record<string, string[]> } {
  const t = options.t.schedules.errors;
  const errors: Record<string, string[]> = {};
  const add: Add = (field, message) => {
    const list = (errors[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };

  const name = text(raw, "name").trim();
  if (!name || name.length > 80) add("name", t.name);
  const reportQuery = options.checkReport(text(raw, "report"));
  if (reportQuery === null) add("report", t.report);
  const when = parseWhen(raw, t, isoDate(options.now), add);
  const format = oneOf(raw, "format", scheduleFormats, add, t.format);
  const emails = parseEmails(raw, t, add);
  const destination = parseDestination(raw, t, options, add);
  if (!emails.length && !destination && !errors.emails && !errors.protocol) add("emails", t.noDestination);
  refuseControlCharacters(raw, t, add);

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: { name, reportQuery: reportQuery!, ...(when as When), format: format!, emails, upload: null, secret: undefined, hostKey: null, ca: null, ...destination },
  };
}
