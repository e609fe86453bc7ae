import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import ssh2 from "ssh2";
import { z } from "zod";
import { frequencies, relativeRanges, scheduleFormats, type Frequency, type RelativeRange, type ScheduleFormat, type UploadProtocol, type UploadTarget } from "@/db/schema";
import { HOST_KEY_FINGERPRINT } from "@/lib/delivery/host-key";
import { formatDay, formatSize } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { isDay } from "@/lib/reports/query";
import { isoDay } from "@/lib/time-zone";
import { defaultRange } from "./timing";

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

/** What the form's rules depend on, besides the form. */
type ScheduleFormOptions = {
  t: Messages;
  now: Date;
  /** The account's locale, for the dates and sizes its messages show. */
  locale: string;
  /** Checks the report's own parameters: what to store, or null when they are not valid. */
  checkReport: (query: string) => string | null;
  /** The destination already saved (when editing), whose secret may be kept for the same server and user. */
  stored?: UploadTarget | null;
  hasStoredSecret?: boolean;
  /** Saving, not testing: the SFTP server's key must have been accepted. */
  requireHostKey?: boolean;
};

export type FieldErrors = Record<string, string[]>;
type Errors = Messages["schedules"]["errors"];

const LINE_FIELDS = ["name", "report", "frequency", "weekday", "monthDay", "time", "range", "rangeDefault", "from", "to", "format", "emails", "protocol", "host", "port", "directory", "user", "auth", "password", "hostKey"] as const;
/** Pasted keys and certificates: lines of text. */
const TEXT_FIELDS = ["privateKey", "ca"] as const;
type Field = (typeof LINE_FIELDS)[number] | (typeof TEXT_FIELDS)[number];

/** A z.object shape: one schema per field. */
const shape = <F extends Field, S extends z.ZodType>(fields: readonly F[], schema: (field: F) => S) => Object.fromEntries(fields.map((f) => [f, schema(f)])) as Record<F, S>;

/** The form as posted: every field a string, "" when absent or not text (a forged request). */
const postedForm = z.object(shape([...LINE_FIELDS, ...TEXT_FIELDS], () => z.string().catch("")));

// RFC 1123 host names: letters, digits and hyphens in dot-separated labels.
const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Pasted keys and certificates are lines of text: line breaks, and nothing else of C0. */
const CONTROL_BUT_LINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const DEFAULT_PORT: Record<UploadProtocol, number> = { ftp: 21, ftps: 21, sftp: 22 };

/** A value as it can be shown in a message: control characters as U+2400 pictures (␍ ␊ ␀). */
const visible = (value: unknown) =>
  String(value)
    .slice(0, 80)
    .replace(/[\u0000-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
    .replace(/\u007f/g, "\u2421");

/** A transform's refusal: the message at its field, and no value. */
function refuse(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

function privateKeyProblem(key: string, t: Errors, locale: string): string | null {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) return fill(t.keyTooLarge, { size: formatSize(bytes, locale) });
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

const isEmail = (word: string) => word.length <= 254 && z.email().safeParse(word).success;
/** Each address once, whatever its case, as first typed. */
const distinct = (emails: string[]) => emails.filter((e, i) => emails.findIndex((other) => other.toLowerCase() === e.toLowerCase()) === i);

/**
 * The addresses, separated by spaces. Reading stops at a word with a comma or semicolon: what
 * follows it would be misread. The limit counts the distinct valid addresses.
 */
function emailList(t: Errors) {
  const hasComma = (word: string) => /[,;]/.test(word);
  const word = z
    .string()
    .refine((w) => !hasComma(w), { error: (issue) => fill(t.commas, { value: String(issue.input) }) })
    .refine((w) => hasComma(w) || isEmail(w), { error: (issue) => fill(t.badEmail, { value: visible(issue.input) }) });
  const words = (text: string) => {
    const all = text.trim() ? text.trim().split(/\s+/) : [];
    const comma = all.findIndex(hasComma);
    return comma < 0 ? all : all.slice(0, comma + 1);
  };
  const withinLimit = (list: string[]) => distinct(list.filter(isEmail)).length <= MAX_EMAILS;
  return z
    .string()
    .transform(words)
    .pipe(z.array(word).refine(withinLimit, fill(t.tooManyEmails, { max: MAX_EMAILS })))
    .transform(distinct);
}

/** Name, report, time of day, format and e-mail addresses: each field on its own. */
function basics(o: ScheduleFormOptions, t: Errors) {
  return z
    .object({
      name: z.string().trim().min(1, t.name).max(80, t.name),
      report: z.string().transform((query, ctx) => o.checkReport(query) ?? refuse(ctx, t.report)),
      time: z
        .string()
        .trim()
        .regex(TIME, t.time)
        .transform((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))),
      format: z.enum(scheduleFormats, { error: t.format }),
      emails: emailList(t),
    })
    .transform(({ report, time, ...rest }) => ({ ...rest, reportQuery: report, timeOfDay: time }));
}

/** The frequency, with the weekday or the day of the month it needs. */
function timing(t: Errors) {
  return z.discriminatedUnion(
    "frequency",
    [
      z.object({ frequency: z.literal("daily") }).transform((f) => ({ ...f, weekday: null, monthDay: null })),
      z.object({ frequency: z.literal("weekly"), weekday: z.string().regex(/^[1-7]$/, t.weekday) }).transform((f) => ({ ...f, weekday: Number(f.weekday), monthDay: null })),
      z
        .object({ frequency: z.literal("monthly"), monthDay: z.string().regex(/^(last|[1-9]|1\d|2[0-8])$/, t.monthDay) })
        .transform((f) => ({ ...f, weekday: null, monthDay: f.monthDay === "last" ? 0 : Number(f.monthDay) })),
    ],
    { error: t.frequency },
  );
}

/** The date range: relative to each run, or a custom From–To that ends no later than today. */
function dates(t: Errors, today: string, locale: string) {
  const day = z.string().trim().refine(isDay, { error: t.date, abort: true });
  const custom = z
    .object({ range: z.literal("custom"), from: day, to: day.refine((to) => to <= today, fill(t.futureEnd, { today: formatDay(today, locale) })) })
    .refine((r) => r.from <= r.to, { error: t.fromAfterTo, path: ["from"] })
    .transform((r) => ({ range: r.range, rangeFrom: r.from, rangeTo: r.to }));
  const relative = z.object({ range: z.enum(relativeRanges) }).transform((r) => ({ range: r.range, rangeFrom: null, rangeTo: null }));
  return z.discriminatedUnion("range", [relative, custom], { error: t.range });
}

const authOf = (auth: string): UploadTarget["auth"] => (auth === "key" ? "key" : "password");
type SignIn = { host: string; port: number; user: string; auth: string; password: string; privateKey: string; hostKey: string };

/**
 * How the portal signs in: the password or key typed now, else the stored one, kept only for the
 * same server and user (a stored password never follows the report elsewhere); and, when saving,
 * the SFTP server's key accepted. Each problem is a [field, message].
 */
function signInProblems(f: SignIn, protocol: UploadProtocol, o: ScheduleFormOptions, t: Errors): [string, string][] {
  const auth = authOf(f.auth);
  const field = auth === "key" ? "privateKey" : "password";
  const typed = auth === "key" ? f.privateKey : f.password;
  const s = o.stored;
  const stored = Boolean(s && o.hasStoredSecret);
  const problems: [string, string][] = [];
  if (auth === "key" && protocol !== "sftp") problems.push(["auth", t.keyOnlySftp]);
  else if (typed) {
    const problem = auth === "key" ? privateKeyProblem(typed, t, o.locale) : typed.length > 1000 ? t.password : null;
    if (problem) problems.push([field, problem]);
  } else if (!(stored && s!.protocol === protocol && s!.host === f.host && s!.port === f.port && s!.user === f.user && s!.auth === auth)) {
    problems.push([field, stored ? t.passwordAgain : auth === "key" ? t.keyInvalid : t.password]);
  }
  if (protocol === "sftp" && !f.hostKey && o.requireHostKey) problems.push(["hostKey", t.hostKeyRequired]);
  return problems;
}

/** An upload server: where, who signs in and how, and how the server proves who it is. */
function server(protocol: UploadProtocol, o: ScheduleFormOptions, t: Errors) {
  return z
    .object({
      protocol: z.literal(protocol),
      host: z
        .string()
        .trim()
        .refine((h) => isIP(h) !== 0 || HOST.test(h), { error: (issue) => fill(t.host, { value: visible(issue.input) }) })
        .transform((h) => h.toLowerCase()),
      port: z
        .string()
        .trim()
        .transform((p) => (p === "" ? DEFAULT_PORT[protocol] : /^\d+$/.test(p) ? Number(p) : Number.NaN))
        .refine((p) => Number.isInteger(p) && p >= 1 && p <= 65535, t.port),
      directory: z
        .string()
        .trim()
        .transform((d) => d || "/")
        .refine((d) => d.length <= 500 && !d.split("/").includes(".."), t.directory),
      user: z.string().trim().min(1, t.user).max(100, t.user),
      // FTP and FTPS offer no choice: a form without the field signs in with a password.
      auth: z
        .string()
        .transform((a) => a || "password")
        .refine((a) => a === "password" || a === "key", t.auth),
      password: z.string(),
      privateKey: z.string().trim(),
      hostKey: z.string().trim().refine((k) => protocol !== "sftp" || k === "" || HOST_KEY_FINGERPRINT.test(k), t.hostKey),
      ca: z.string().trim().refine((pem) => protocol !== "ftps" || pem === "" || caCertificates(pem) !== null, t.ca),
    })
    .superRefine((f, ctx) => {
      for (const [field, message] of signInProblems(f, protocol, o, t)) ctx.addIssue({ code: "custom", path: [field], message });
    })
    .transform((f) => ({
      upload: { protocol, host: f.host, port: f.port, directory: f.directory, user: f.user, auth: authOf(f.auth) },
      secret: authOf(f.auth) === "key" ? `${f.privateKey}\n` : f.password || undefined,
      hostKey: protocol === "sftp" ? f.hostKey || null : null,
      ca: protocol === "ftps" && f.ca ? caCertificates(f.ca) : null,
    }));
}

/**
 * No upload: then the report needs an e-mail address to go to. (`abort`: this part reads the
 * e-mails too, so when it refuses, the parts' values are not merged.)
 */
const noUpload = (t: Errors) =>
  z
    .object({ protocol: z.literal(""), emails: z.string() })
    .refine((f) => f.emails.trim() !== "", { error: t.noDestination, path: ["emails"], abort: true })
    .transform(() => ({ upload: null, secret: undefined, hostKey: null, ca: null }));

function destination(o: ScheduleFormOptions, t: Errors) {
  return z.discriminatedUnion("protocol", [noUpload(t), server("ftp", o, t), server("ftps", o, t), server("sftp", o, t)], { error: t.protocol });
}

/**
 * A control character (CR, LF, NUL, any C0 or DEL) is refused in every field, whether the field is
 * in use or not, with the field's own message: a password with CR LF would be an FTP command of
 * its own, a name with one a header line. (`abort`: this part reads every field, so when it
 * refuses, the parts' values are not merged.)
 */
function controlCharacters(t: Errors) {
  const messages: Record<Field, string> = {
    name: t.name,
    report: t.report,
    frequency: t.frequency,
    weekday: t.weekday,
    monthDay: t.monthDay,
    time: t.time,
    range: t.range,
    rangeDefault: t.range,
    from: t.date,
    to: t.date,
    format: t.format,
    emails: t.emails,
    protocol: t.protocol,
    host: t.host,
    port: t.port,
    directory: t.directory,
    user: t.user,
    auth: t.auth,
    password: t.password,
    hostKey: t.hostKey,
    privateKey: t.keyInvalid,
    ca: t.ca,
  };
  const without = (control: RegExp) => (field: Field) => z.string().refine((s) => !control.test(s), { error: (issue) => fill(messages[field], { value: visible(issue.input) }), abort: true });
  return z.object({ ...shape(LINE_FIELDS, without(CONTROL)), ...shape(TEXT_FIELDS, without(CONTROL_BUT_LINES)) }).transform(() => ({}));
}

/**
 * The schedule form's schema. Every problem is reported at its field with a message that names
 * the bad value, all at once: each part of the form is read on its own, and their values are
 * merged (an intersection) when all are valid; nothing is saved unless all is. An unknown choice (a frequency, protocol, format… the form does not offer) is
 * refused, never read as a default.
 */
export function scheduleFormSchema(o: ScheduleFormOptions) {
  const t = o.t.schedules.errors;
  const parts = basics(o, t).and(timing(t)).and(dates(t, isoDay(o.now), o.locale)).and(destination(o, t)).and(controlCharacters(t));
  return postedForm.transform(rangeOfFrequency).pipe(parts).transform((input): ScheduleInput => input);
}

/**
 * A range the owner left as the form chose it (`rangeDefault`) follows the frequency sent: without
 * JavaScript the form cannot change it when the frequency changes, so the server does.
 */
function rangeOfFrequency<F extends { range: string; rangeDefault: string; frequency: string }>(form: F): F {
  const follows = form.rangeDefault !== "" && form.range === form.rangeDefault && (frequencies as readonly string[]).includes(form.frequency);
  return follows ? { ...form, range: defaultRange(form.frequency) } : form;
}

/** Each field's problems, each message once. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const { fieldErrors } = z.flattenError(error);
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, [...new Set(messages as string[])]]));
}

/** Reads a schedule form (see `scheduleFormSchema`). */
export function parseScheduleForm(raw: Record<string, unknown>, options: ScheduleFormOptions): { ok: true; value: ScheduleInput } | { ok: false; errors: FieldErrors } {
  const parsed = scheduleFormSchema(options).safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrorsOf(parsed.error) };
}
