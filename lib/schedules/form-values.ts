import type { ReportSchedule } from "@/db/schema";
import type { FormState } from "@/lib/actions/form";
import { fill, type Messages } from "@/lib/i18n/messages";
import { PARAM } from "@/lib/reports/query";
import { rangeFromReport, rangeWords, type DateStyle } from "./next-run";
import { defaultRange, hhmm } from "./timing";

/** What the schedule form shows in its fields: text, as typed (the secret is never among them). */
export type ScheduleFormValues = {
  name: string;
  report: string;
  frequency: string;
  weekday: string;
  monthDay: string;
  time: string;
  range: string;
  /**
   * The range the form chose for the owner (the frequency's): while the range is still this one,
   * the frequency decides it — in the browser as the frequency changes, and on the server for a
   * form sent without JavaScript. Empty once the owner (or the report) chose one.
   */
  rangeDefault: string;
  from: string;
  to: string;
  format: string;
  emails: string;
  protocol: string;
  host: string;
  port: string;
  directory: string;
  user: string;
  auth: string;
  /** SFTP: the server key accepted ("SHA256:…"), sent with the form. */
  hostKey: string;
  /** FTPS: a private certificate authority (PEM). */
  ca: string;
};

/** A server key to show the owner: the one the SFTP server presented, and the one accepted before, if any. */
export type HostKeyPrompt = { host: string; offered: string; expected: string | null };

/** The schedule form's state: a form's, and the SFTP server key to check after a *Test upload*. */
export type ScheduleFormState = FormState & { hostKey?: HostKeyPrompt; detail?: string };

/**
 * A new schedule's values: the report chosen, daily at 06:00 GMT, in Excel, covering the report's
 * own range (`reportRange`, its preset) when a schedule has one like it, else the previous day.
 */
export function newFormValues(report: string, name: string, reportRange: string | null = null): ScheduleFormValues {
  const frequency = "daily";
  const { range, carried } = rangeFromReport(reportRange, frequency);
  return { name, report, frequency, weekday: "1", monthDay: "1", time: "06:00", range, rangeDefault: carried ? "" : range, from: "", to: "", format: "xlsx", emails: "", protocol: "", host: "", port: "", directory: "/", user: "", auth: "password", hostKey: "", ca: "" };
}

/** The form's values for a saved schedule (the secret is never among them). */
export function formValues(s: Omit<ReportSchedule, "uploadSecret">): ScheduleFormValues {
  return {
    name: s.name,
    report: s.reportQuery,
    frequency: s.frequency,
    weekday: s.weekday ? String(s.weekday) : "1",
    monthDay: s.monthDay === 0 ? "last" : String(s.monthDay ?? 1),
    time: hhmm(s.timeOfDay),
    range: s.range,
    rangeDefault: s.range === defaultRange(s.frequency) ? s.range : "",
    from: s.rangeFrom ?? "",
    to: s.rangeTo ?? "",
    format: s.format,
    emails: s.emails.join(" "),
    protocol: s.upload?.protocol ?? "",
    host: s.upload?.host ?? "",
    port: s.upload ? String(s.upload.port) : "",
    directory: s.upload?.directory ?? "",
    user: s.upload?.user ?? "",
    auth: s.upload?.auth ?? "password",
    hostKey: s.uploadHostKey ?? "",
    ca: s.uploadCa ?? "",
  };
}

/** A report's range as its URL says it: a preset, "custom" for its own From–To, or none. */
export const reportRangeOf = (params: URLSearchParams): string | null => params.get(PARAM.range) ?? (params.has(PARAM.from) || params.has(PARAM.to) ? "custom" : null);

/** Where a new schedule's range came from: the report's preset, or not its own dates (which cannot repeat). */
export function rangeNote(params: URLSearchParams, v: ScheduleFormValues, t: Messages["schedules"], style: DateStyle): string | undefined {
  const reportRange = reportRangeOf(params);
  const { carried, fromCustom } = rangeFromReport(reportRange, v.frequency);
  if (carried) return fill(t.rangeFromReport, { range: t.ranges[v.range as keyof typeof t.ranges] });
  const from = params.get(PARAM.from) ?? "";
  const to = params.get(PARAM.to) ?? "";
  if (!fromCustom || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) return undefined;
  return fill(t.rangeFromCustom, { dates: rangeWords({ from, to }, t, style) });
}
