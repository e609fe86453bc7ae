import type { ReportSchedule } from "@/db/schema";
import type { FormState } from "@/lib/actions/form";
import { hhmm } from "./display";

/** What the schedule form shows in its fields: text, as typed (the secret is never among them). */
export type ScheduleFormValues = {
  name: string;
  report: string;
  frequency: string;
  weekday: string;
  monthDay: string;
  time: string;
  range: string;
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
export type ScheduleFormState = FormState & { hostKey?: HostKeyPrompt };

/** A new schedule's values: the report chosen, daily at 06:00 GMT, the previous day, in Excel. */
export function newFormValues(report: string, name: string): ScheduleFormValues {
  return { name, report, frequency: "daily", weekday: "1", monthDay: "1", time: "06:00", range: "previous-day", from: "", to: "", format: "xlsx", emails: "", protocol: "", host: "", port: "", directory: "/", user: "", auth: "password", hostKey: "", ca: "" };
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
