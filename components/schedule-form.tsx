"use client";

import { startTransition, useActionState, useRef, useState, type FormEvent } from "react";
import { DateFields, EmailFields, ReportFields, TimingFields, type ReportFilters } from "@/components/schedule-form-fields";
import { NextRunSentence } from "@/components/schedule-next-run";
import { UploadFields } from "@/components/schedule-upload-fields";
import type { Messages } from "@/lib/i18n/messages";
import type { ScheduleFormState, ScheduleFormValues } from "@/lib/schedules/form-values";
import type { DateStyle } from "@/lib/schedules/next-run";
import { defaultRange } from "@/lib/schedules/timing";

type Action = (state: ScheduleFormState, formData: FormData) => Promise<ScheduleFormState>;

type Props = {
  /** Saves, or with intent=test only tests the upload destination. */
  action: Action;
  t: Messages["schedules"];
  defaults: ScheduleFormValues;
  /** The reports to choose from (value = the report's URL parameters). */
  reports: { value: string; label: string }[];
  hasSecret: boolean;
  /** Today's GMT day: the date inputs' limit, and as a person reads it. */
  today: string;
  todayLabel: string;
  parisTime: string;
  /** The report the owner came from, with its filters in words. */
  filters?: ReportFilters | null;
  /** Where the range came from (the report's own dates could not be kept…). */
  rangeNote?: string;
  /** The next run's sentence: its words and date order, and the server's clock for its first drawing. */
  dateStyle: DateStyle;
  now: string;
};

/** The form's own refusals (the account's limit) and a save that failed: above the form. */
function FormAlerts({ formErrors, saved }: { formErrors: string[]; saved: ScheduleFormState }) {
  return (
    <>
      {formErrors.length > 0 && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800" data-testid="form-message">
          {formErrors.join(" ")}
        </p>
      )}
      {saved.message && !saved.ok && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-message">
          {saved.message}
        </p>
      )}
    </>
  );
}

/**
 * The form's one action, told which button sent it. The form is submitted by hand, so it is not
 * reset: what was typed (a password too) stays in the browser.
 */
function useScheduleAction(action: Action) {
  const [state, dispatch, pending] = useActionState(action, {});
  const [intent, setIntent] = useState<"save" | "test">("save");
  const send = (data: FormData) => {
    setIntent(data.get("intent") === "test" ? "test" : "save");
    startTransition(() => dispatch(data));
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter));
  };
  return { state, pending, intent, send, submit, dispatch };
}

/** The frequency, and the range, which follows it while it is still the one the form chose. */
function useFrequencyAndRange(v: ScheduleFormValues) {
  const [frequency, setFrequency] = useState(v.frequency);
  const [range, setRange] = useState(v.range);
  const [rangeDefault, setRangeDefault] = useState(v.rangeDefault);
  const onFrequency = (next: string) => {
    setFrequency(next);
    if (!rangeDefault) return;
    setRange(defaultRange(next));
    setRangeDefault(defaultRange(next));
  };
  const onRange = (next: string) => {
    setRange(next);
    setRangeDefault("");
  };
  return { frequency, onFrequency, range, rangeDefault, onRange };
}

/** The schedule form: what, when, which dates, in which format, and where to. */
export function ScheduleForm({ action, t, defaults, reports, hasSecret, today, todayLabel, parisTime, filters, rangeNote, dateStyle, now }: Props) {
  const { state, pending, intent, send, submit, dispatch } = useScheduleAction(action);
  const { frequency, onFrequency, ...range } = useFrequencyAndRange(defaults);
  const form = useRef<HTMLFormElement>(null);
  const errors = state.errors ?? {};
  const section = { t, v: defaults, errors };
  // A server key accepted: the test again, with that key.
  const testWithKey = (hostKey: string) => {
    const data = new FormData(form.current!);
    data.set("intent", "test");
    data.set("hostKey", hostKey);
    send(data);
  };
  return (
    // `action`: without JavaScript the form is posted to the same server action.
    <form ref={form} action={dispatch} onSubmit={submit} className="space-y-6" data-testid="schedule-form" noValidate>
      <FormAlerts formErrors={errors.form ?? []} saved={intent === "save" ? state : {}} />
      <ReportFields {...section} reports={reports} filters={filters} />
      <TimingFields {...section} parisTime={parisTime} frequency={frequency} onFrequency={onFrequency} />
      <DateFields {...section} {...range} note={rangeNote} today={today} todayLabel={todayLabel} />
      <NextRunSentence t={t} style={dateStyle} fields={defaults} now={now} />
      <EmailFields {...section} />
      <UploadFields {...section} hasSecret={hasSecret} pending={pending} testing={pending && intent === "test"} tested={intent === "test" ? state : {}} onTestWithKey={testWithKey} />
      <div className="flex items-center gap-4">
        <button type="submit" name="intent" value="save" disabled={pending} className="rounded bg-brand-700 px-5 py-2 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
          {pending && intent === "save" ? t.saving : t.save}
        </button>
      </div>
    </form>
  );
}
