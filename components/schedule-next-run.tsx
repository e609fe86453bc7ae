"use client";

import { useEffect, useRef, useState } from "react";
import type { Messages } from "@/lib/i18n/messages";
import { formRunSentence, type DateStyle, type RunFields } from "@/lib/schedules/next-run";

type Props = { t: Messages["schedules"]; style: DateStyle; fields: RunFields; now: string };

/** The fields of `form` that decide the next run, as they stand. */
function readFields(form: HTMLFormElement): RunFields {
  const data = new FormData(form);
  const get = (name: keyof RunFields) => String(data.get(name) ?? "");
  return { frequency: get("frequency"), weekday: get("weekday"), monthDay: get("monthDay"), time: get("time"), range: get("range"), from: get("from"), to: get("to") };
}

/**
 * What the next run will contain, in a sentence: the server renders it from the form's values,
 * then it follows the form's frequency, day, time and range as the owner changes them.
 */
export function NextRunSentence({ t, style, fields, now }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const [text, setText] = useState(() => formRunSentence(fields, new Date(now), t, style));
  useEffect(() => {
    const form = ref.current?.closest("form");
    if (!form) return;
    // After React has drawn the change (a weekday field appears, the range follows the frequency).
    const update = () => setTimeout(() => setText(formRunSentence(readFields(form), new Date(), t, style)), 0);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    return () => {
      form.removeEventListener("input", update);
      form.removeEventListener("change", update);
    };
  }, [t, style]);
  return (
    <div ref={ref} className="rounded-lg border border-brand-100 bg-brand-50 px-4 py-3 text-sm" data-testid="next-run">
      <p className="font-semibold text-brand-900">{t.nextRun}</p>
      <p aria-live="polite" className="mt-0.5 text-slate-800" data-testid="next-run-sentence">
        {text ?? t.nextRunUnknown}
      </p>
    </div>
  );
}
