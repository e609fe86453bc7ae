import { isIP } from "node:net";
import ssh2 from "ssh2";
import { z } from "zod";
import { frequencies, relativeRanges, scheduleFormats, uploadProtocols, type Frequency, type RelativeRange, type ScheduleFormat, type UploadTarget } from "@/db/schema";
import { fill, type Messages } from "@/lib/i18n/messages";
import { isoDate } from "./timing";

export const MAX_SCHEDULES = 10;
export const MAX_EMAILS = 20;
export const MAX_KEY_BYTES = 16 * 1024;

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
const text = (raw: Raw, key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : "");

const email = z.email();
// RFC 1123 host names: letters, digits and hyphens in dot-separated labels.
const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

const sizeLabel = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

function privateKeyProblem(key: string, t: Messages["schedules"]["errors"]): string | null {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) return fill(t.keyTooLarge, { size: sizeLabel(bytes) });
  const parsed = ssh2.utils.parseKey(key);
  if (parsed instanceof Error) return /passphrase/i.test(parsed.message) ? t.keyEncrypted : t.keyInvalid;
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first) return t.keyInvalid;
  return first.isPrivateKey() ? null : t.keyPublic;
}

/**
 * Reads the schedule form. Every problem is reported at its field with a message that names the
 * bad value; nothing is saved unless all is valid. `stored` is the destination already saved
 * (when editing), whose secret may be kept; `checkReport` validates the report's own parameters.
 */
export function parseScheduleForm(
  raw: Raw,
  options: { t: Messages; now: Date; stored?: UploadTarget | null; hasStoredSecret?: boolean; checkReport: (query: string) => string | null },
): { ok: true; value: ScheduleInput } | { ok: false; errors: Record<string, string[]> } {
  const t = options.t.schedules.errors;
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  const today = isoDate(options.now);

  const name = text(raw, "name").trim();
  if (!name || name.length > 80 || CONTROL.test(name)) add("name", t.name);
  const reportQuery = options.checkReport(text(raw, "report"));
  if (reportQuery === null) add("report", t.report);

  const frequency = frequencies.find((f) => f === text(raw, "frequency")) ?? "daily";
  let weekday: number | null = null;
  let monthDay: number | null = null;
  if (frequency === "weekly") {
    weekday = Number(text(raw, "weekday"));
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) add("weekday", t.weekday);
  }
  if (frequency === "monthly") {
    const day = text(raw, "monthDay");
    monthDay = day === "last" ? 0 : Number(day);
    if (!/^(last|[1-9]|1\d|2[0-8])$/.test(day)) add("monthDay", t.monthDay);
  }
  const time = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text(raw, "time").trim());
  if (!time) add("time", t.time);
  const timeOfDay = time ? Number(time[1]) * 60 + Number(time[2]) : 0;

  const range = [...relativeRanges, "custom" as const].find((r) => r === text(raw, "range")) ?? "previous-day";
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
  const format = scheduleFormats.find((f) => f === text(raw, "format"));
  if (!format) add("format", t.report);

  const emailText = text(raw, "emails").trim();
  const emails: string[] = [];
  for (const word of emailText ? emailText.split(/\s+/) : []) {
    if (/[,;]/.test(word)) {
      add("emails", fill(t.commas, { value: word }));
      break;
    }
    if (!email.safeParse(word).success || word.length > 254) add("emails", fill(t.badEmail, { value: word }));
    else if (!emails.some((e) => e.toLowerCase() === word.toLowerCase())) emails.push(word);
  }
  if (emails.length > MAX_EMAILS) add("emails", fill(t.tooManyEmails, { max: MAX_EMAILS }));

  let upload: UploadTarget | null = null;
  let secret: string | undefined;
  const protocol = uploadProtocols.find((p) => p === text(raw, "protocol"));
  if (protocol) {
    const host = text(raw, "host").trim();
    if (!(isIP(host) || HOST.test(host))) add("host", fill(t.host, { value: host }));
    const portText = text(raw, "port").trim();
    const port = portText === "" ? (protocol === "sftp" ? 22 : 21) : Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535 || !/^\d*$/.test(portText)) add("port", t.port);
    const directory = text(raw, "directory").trim() || "/";
    if (directory.length > 500 || CONTROL.test(directory) || directory.split("/").includes("..")) add("directory", t.directory);
    const user = text(raw, "user").trim();
    if (!user || user.length > 100 || CONTROL.test(user)) add("user", t.user);
    const auth = text(raw, "auth") === "key" ? "key" : "password";
    upload = { protocol, host: host.toLowerCase(), port, directory, user, auth };
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
      const s = options.stored;
      const same = s && options.hasStoredSecret && s.protocol === protocol && s.host === upload.host && s.port === port && s.user === user && s.auth === auth;
      if (!same) add(auth === "key" ? "privateKey" : "password", s && options.hasStoredSecret ? t.passwordAgain : auth === "key" ? t.keyInvalid : t.password);
    }
  }
  if (!emails.length && !protocol && !errors.emails) add("emails", t.noDestination);

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: { name, reportQuery: reportQuery!, frequency, weekday, monthDay, timeOfDay, range, rangeFrom, rangeTo, format: format!, emails, upload, secret },
  };
}
