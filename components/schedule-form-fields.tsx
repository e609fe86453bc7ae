"use client";

import { useState, type ReactNode } from "react";
import { Field, inputClass, SelectField } from "@/components/field";
import type { Messages } from "@/lib/i18n/messages";
import type { ScheduleFormValues } from "@/lib/schedules/form-values";

export type SectionProps = { t: Messages["schedules"]; v: ScheduleFormValues; errors: Record<string, string[]> };

/** A field of the schedule form by its name: the ids the page's tests and labels use (f-name, f-name-errors). */
export const fieldOf = (errors: Record<string, string[]>) => (name: keyof ScheduleFormValues | "password" | "privateKey") => ({ id: `f-${name}`, name, errors: errors[name] });

/** A titled part of the form. */
export function Section({ title, className = "", children }: { title: string; className?: string; children: ReactNode }) {
  return (
    <fieldset className={`rounded-lg border border-slate-200 p-4 ${className}`}>
      <legend className="px-1 text-sm font-semibold text-brand-900">{title}</legend>
      {children}
    </fieldset>
  );
}

/** The report the owner came from, with its filters in words ("Filters: Cardholders: …"). */
export type ReportFilters = { value: string; text: string };

/** The schedule's name and the report it delivers (value = the report's URL parameters), with its filters in words. */
export function ReportFields({ t, v, errors, reports, filters }: SectionProps & { reports: { value: string; label: string }[]; filters?: ReportFilters | null }) {
  const at = fieldOf(errors);
  const [report, setReport] = useState(v.report);
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <Field {...at("name")} label={t.name}>
        {(control) => <input {...control} defaultValue={v.name} maxLength={80} className={inputClass(control["aria-invalid"])} />}
      </Field>
      <div>
        <SelectField {...at("report")} label={t.report} options={reports.map((r) => [r.value, r.label])} value={report} onChange={(e) => setReport(e.target.value)} />
        {filters && filters.value === report && (
          <p className="mt-1 text-xs text-slate-600" data-testid="schedule-filters">
            {filters.text}
          </p>
        )}
      </div>
    </fieldset>
  );
}

/** When: daily, on a weekday or on a day of the month, at a GMT time; the frequency is the form's (`frequency`). */
export function TimingFields({ t, v, errors, parisTime, frequency, onFrequency }: SectionProps & { parisTime: string; frequency: string; onFrequency: (frequency: string) => void }) {
  const at = fieldOf(errors);
  const weekdays = t.weekdays.map((d, i): [string, string] => [String(i + 1), d.charAt(0).toUpperCase() + d.slice(1)]);
  const monthDays = [...Array.from({ length: 28 }, (_, i): [string, string] => [String(i + 1), String(i + 1)]), ["last", t.lastDay] as [string, string]];
  return (
    <Section title={t.whenTitle} className="grid gap-4 sm:grid-cols-3">
      <SelectField {...at("frequency")} label={t.frequency} options={(["daily", "weekly", "monthly"] as const).map((f) => [f, t.frequencies[f]])} value={frequency} onChange={(e) => onFrequency(e.target.value)} />
      {/* Hidden, the day still goes with the form: sent without JavaScript, a new frequency takes it. */}
      {frequency === "weekly" ? <SelectField {...at("weekday")} label={t.weekday} options={weekdays} defaultValue={v.weekday || "1"} /> : <input type="hidden" name="weekday" value={v.weekday || "1"} />}
      {frequency === "monthly" ? <SelectField {...at("monthDay")} label={t.monthDay} options={monthDays} defaultValue={v.monthDay || "1"} /> : <input type="hidden" name="monthDay" value={v.monthDay || "1"} />}
      <Field {...at("time")} label={t.time} hint={parisTime}>
        {(control) => <input {...control} type="time" defaultValue={v.time} className={inputClass(control["aria-invalid"])} />}
      </Field>
    </Section>
  );
}

/** The ranges in the order offered: from the shortest to the longest, then a custom From–To. */
const RANGE_ORDER = ["previous-day", "previous-7-days", "previous-week", "previous-30-days", "previous-month", "month-to-date", "previous-12-months", "custom"] as const;

/** The form's range: the value, who chose it (`rangeDefault`: still the form's choice) and a note on where it came from. */
export type RangeState = { range: string; rangeDefault: string; onRange: (range: string) => void; note?: string };

/** Which dates each report covers (relative to the run, or a custom From–To), and its format. */
export function DateFields({ t, v, errors, today, todayLabel, range, rangeDefault, onRange, note }: SectionProps & RangeState & { today: string; todayLabel: string }) {
  const at = fieldOf(errors);
  return (
    <Section title={t.datesTitle} className="grid gap-4 sm:grid-cols-3">
      <div>
        <SelectField {...at("range")} label={t.range} options={RANGE_ORDER.map((r) => [r, t.ranges[r]])} value={range} onChange={(e) => onRange(e.target.value)} />
        <input type="hidden" name="rangeDefault" value={rangeDefault} />
      </div>
      {range === "custom" && (
        <>
          <Field {...at("from")} label={t.from}>
            {(control) => <input {...control} type="date" max={today} defaultValue={v.from} className={inputClass(control["aria-invalid"])} />}
          </Field>
          <Field {...at("to")} label={t.to}>
            {(control) => <input {...control} type="date" defaultValue={v.to} className={inputClass(control["aria-invalid"])} />}
          </Field>
          <p className="text-xs text-slate-600 sm:col-span-3">{t.customHint.replaceAll("{today}", todayLabel)}</p>
        </>
      )}
      <SelectField {...at("format")} label={t.format} options={(["xlsx", "csv", "html"] as const).map((f) => [f, t.formats[f]])} defaultValue={v.format} />
      {note && (
        <p className="text-xs text-slate-600 sm:col-span-3" data-testid="range-note">
          {note}
        </p>
      )}
    </Section>
  );
}

/** The addresses the report is e-mailed to. */
export function EmailFields({ t, v, errors }: SectionProps) {
  return (
    <Section title={t.emailTitle}>
      <Field {...fieldOf(errors)("emails")} label={t.emails} hint={t.emailsHint}>
        {(control) => <input {...control} defaultValue={v.emails} placeholder="alice@example.com bob@example.com" autoComplete="off" className={inputClass(control["aria-invalid"])} />}
      </Field>
    </Section>
  );
}
