"use client";

import type { KeyboardEvent } from "react";

const FORM = "period-form";

type Option = { value: string; label: string };

type Props = {
  periodLabel: string;
  periods: Option[];
  period: string;
  displayLabel?: string;
  displays?: Option[];
  display?: string;
  showLabel: string;
  /** Kept across a change of period or display. */
  sort?: string;
};

/**
 * The Billing period and Room display selectors: a GET form, so the choice lives in the URL and a
 * page can be bookmarked. A choice applies on *Show* or Enter, never on change alone: someone
 * going through the options with the arrow keys stays on the page (WCAG 3.2.2).
 */
export function PeriodControls({ periodLabel, periods, period, displayLabel, displays, display, showLabel, sort }: Props) {
  const submitOnEnter = (event: KeyboardEvent<HTMLSelectElement>) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  };
  const show = (
    <button type="submit" form={FORM} className="no-print rounded border border-slate-300 px-2 py-1 text-xs text-slate-600 hover:bg-slate-50" data-testid="period-show">
      {showLabel}
    </button>
  );
  const select = "max-w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30";
  // The form sits in the first value cell (a list may hold only its terms and values); the room
  // display's select and the button join it by its id.
  return (
    <>
      <dt className="pt-2 pr-6 font-medium text-slate-600 sm:pb-2">
        <label htmlFor="period">{periodLabel}</label>
      </dt>
      <dd className="pb-2 sm:pt-2">
        <form id={FORM} method="get" className="flex flex-wrap items-center gap-x-3 gap-y-2">
          {sort && <input type="hidden" name="sort" value={sort} />}
          <select id="period" name="period" defaultValue={period} onKeyDown={submitOnEnter} className={select}>
            {periods.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
          {!displays && show}
        </form>
      </dd>
      {displays && (
        <>
          <dt className="pt-2 pr-6 font-medium text-slate-600 sm:pb-2">
            <label htmlFor="display">{displayLabel}</label>
          </dt>
          <dd className="flex flex-wrap items-center gap-x-3 gap-y-2 pb-2 sm:pt-2">
            <select id="display" name="display" form={FORM} defaultValue={display} onKeyDown={submitOnEnter} className={select}>
              {displays.map((d) => (
                <option key={d.value} value={d.value}>
                  {d.label}
                </option>
              ))}
            </select>
            {show}
          </dd>
        </>
      )}
    </>
  );
}
