"use client";

import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { PeoplePicker, type Counting, type PickerOption } from "./people-picker";
import type { Plural } from "@/lib/i18n/plural";
import type { ReportQuery } from "@/lib/reports/query";

type Choice = { value: string; label: string; description?: string };

type BuilderLabels = {
  steps: { type: string; range: string; filters: string; output: string };
  from: string;
  to: string;
  rangeHint: string;
  filters: { cardholders: string; owners: string; groups: string; ungrouped: string; ungroupedLabel: string; products: string; allHint: string; search: string; selectShown: string; clear: string; selected: Plural; all: string; none: string };
  show: string;
  excel: string;
  csv: string;
  /** "Download:", with the colon as the language writes it. */
  download: string;
};

/** A report's selections as typed, valid or not (the form shows them back with its messages). */
export type BuilderState = Omit<ReportQuery, "type" | "range" | "products"> & { type: string; range: string; products: string[] };

type Props = {
  labels: BuilderLabels;
  counting: Counting;
  typeGroups: { heading: string; types: Choice[] }[];
  ranges: Choice[];
  products: Choice[];
  options: { cardholders: PickerOption[]; owners: PickerOption[]; groups: PickerOption[] };
  state: BuilderState;
  limits: { earliest: string; today: string };
  errors: Record<string, string[]>;
  /** The `cardholder` value for every cardholder (sent when all are ticked). */
  everyCardholder: string;
  /** Longer report addresses than this are saved on the server and opened by a short id instead. */
  saveAbove: number;
};

function Step({ number, title, children }: { number: number; title: string; children: ReactNode }) {
  return (
    <section className="border-t border-slate-200 px-5 py-4 first:border-t-0">
      <h2 className="mb-3 flex items-center gap-2 text-sm font-bold uppercase tracking-wide text-brand-900">
        <span className="inline-flex h-6 w-6 items-center justify-center rounded-full bg-brand-700 text-xs text-white">{number}</span>
        {title}
      </h2>
      {children}
    </section>
  );
}

function FieldError({ id, messages }: { id: string; messages?: string[] }) {
  if (!messages?.length) return null;
  return (
    <p id={id} className="mt-2 text-sm font-medium text-red-700" role="alert">
      {messages.join(" ")}
    </p>
  );
}

/**
 * A submission whose address would be longer than `saveAbove` (1,700 ticked cardholders make
 * 10–16 KB, past what a request may carry) is posted instead to /reports/saved, which keeps the
 * selection and sends the browser on to `/reports?s=<id>` (or its download): still a GET that
 * can be bookmarked. Commas stay as they are, so the saved query is no larger than needed.
 */
function saveWhenLong(event: FormEvent<HTMLFormElement>, saveAbove: number, saved: HTMLFormElement | null) {
  const submitter = (event.nativeEvent as SubmitEvent).submitter;
  const data = new FormData(event.currentTarget, submitter);
  const to = String(data.get("format") ?? "report");
  data.delete("format");
  const query = new URLSearchParams([...data].filter((entry): entry is [string, string] => typeof entry[1] === "string")).toString().replace(/%2C/g, ",");
  if (query.length <= saveAbove || !saved) return;
  event.preventDefault();
  (saved.elements.namedItem("query") as HTMLInputElement).value = query;
  (saved.elements.namedItem("to") as HTMLInputElement).value = to;
  saved.submit();
}

/** Step 1: the report types, in their groups, each with what it shows. */
function TypeStep({ title, typeGroups, checked, errors }: { title: string; typeGroups: Props["typeGroups"]; checked: string; errors?: string[] }) {
  return (
    <Step number={1} title={title}>
      <div className="grid gap-4 md:grid-cols-3" role="radiogroup" aria-describedby={errors ? "type-error" : undefined}>
        {typeGroups.map((group) => (
          <div key={group.heading}>
            <h3 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600">{group.heading}</h3>
            <ul className="space-y-1">
              {group.types.map((type) => (
                <li key={type.value}>
                  <label className="flex cursor-pointer gap-2 rounded p-1.5 hover:bg-brand-50 has-[:checked]:bg-brand-100">
                    <input type="radio" name="type" value={type.value} defaultChecked={checked === type.value} className="mt-1" required />
                    <span>
                      <span className="block text-sm font-semibold text-slate-900">{type.label}</span>
                      <span className="block text-xs text-slate-600">{type.description}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <FieldError id="type-error" messages={errors} />
    </Step>
  );
}

/** Step 2: the presets, and From–To, which only a custom range enables. */
function RangeStep({ labels, ranges, range, onRange, state, limits, errors }: Pick<Props, "labels" | "ranges" | "state" | "limits" | "errors"> & { range: string; onRange: (range: string) => void }) {
  const custom = range === "custom";
  const input = "rounded border border-slate-300 bg-white px-2 py-1 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 disabled:bg-slate-100 disabled:text-slate-400";
  return (
    <Step number={2} title={labels.steps.range}>
      <div className="flex flex-wrap items-center gap-x-5 gap-y-2 text-sm" role="radiogroup">
        {ranges.map((r) => (
          <label key={r.value} className="flex cursor-pointer items-center gap-1.5">
            <input type="radio" name="range" value={r.value} checked={range === r.value} onChange={() => onRange(r.value)} />
            {r.label}
          </label>
        ))}
        <span className="flex flex-wrap items-center gap-2">
          <label htmlFor="from" className="font-medium text-slate-700">
            {labels.from}
          </label>
          <input id="from" name="from" type="date" min={limits.earliest} max={limits.today} defaultValue={state.from} disabled={!custom} className={input} aria-describedby="range-hint from-error" />
          <label htmlFor="to" className="font-medium text-slate-700">
            {labels.to}
          </label>
          <input id="to" name="to" type="date" min={limits.earliest} max={limits.today} defaultValue={state.to} disabled={!custom} className={input} aria-describedby="range-hint to-error" />
        </span>
      </div>
      <p id="range-hint" className="mt-2 text-xs text-slate-600">
        {labels.rangeHint}
      </p>
      <FieldError id="range-error" messages={errors.range} />
      <FieldError id="from-error" messages={errors.from} />
      <FieldError id="to-error" messages={errors.to} />
    </Step>
  );
}

/** Step 3: the people pickers, "ungrouped users" and the products. */
function FiltersStep({ title, labels, counting, options, products, state, errors, everyCardholder }: Pick<Props, "counting" | "options" | "products" | "state" | "errors" | "everyCardholder"> & { title: string; labels: BuilderLabels["filters"] }) {
  return (
    <Step number={3} title={title}>
      <p className="mb-3 text-xs text-slate-600">{labels.allHint}</p>
      <div className="grid gap-3 md:grid-cols-3">
        <PeoplePicker name="cardholder" legend={labels.cardholders} options={options.cardholders} selected={state.cardholders} labels={labels} counting={counting} error={errors.cardholders} every={{ value: everyCardholder, selected: state.allCardholders }} />
        <PeoplePicker name="owner" legend={labels.owners} options={options.owners} selected={state.owners} labels={labels} counting={counting} error={errors.owners} />
        <div className="space-y-3">
          <PeoplePicker name="group" legend={labels.groups} options={options.groups} selected={state.groups} labels={labels} counting={counting} error={errors.groups} />
          <fieldset className="rounded-lg border border-slate-200 bg-white p-3 text-sm">
            <legend className="px-1 font-semibold text-slate-800">{labels.ungrouped}</legend>
            <label className="flex items-center gap-2">
              <input type="checkbox" name="ungrouped" value="1" defaultChecked={state.ungrouped} />
              {labels.ungroupedLabel}
            </label>
            <FieldError id="ungrouped-error" messages={errors.ungrouped} />
          </fieldset>
        </div>
      </div>
      <fieldset className="mt-3 flex flex-wrap items-center gap-x-5 gap-y-2 text-sm" aria-describedby={errors.products ? "products-error" : undefined}>
        <legend className="mb-1 font-semibold text-slate-800">{labels.products}</legend>
        {products.map((p) => (
          <label key={p.value} className="flex items-center gap-1.5">
            <input type="checkbox" name="product" value={p.value} defaultChecked={state.products.includes(p.value)} />
            {p.label}
          </label>
        ))}
      </fieldset>
      <FieldError id="products-error" messages={errors.products} />
    </Step>
  );
}

/** Step 4: show the report here, or download it. */
function OutputStep({ labels }: { labels: BuilderLabels }) {
  return (
    <Step number={4} title={labels.steps.output}>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className="rounded bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-900" data-testid="show-report">
          {labels.show}
        </button>
        <span className="ml-2 text-sm text-slate-600">{labels.download}</span>
        <button type="submit" formAction="/reports/download" name="format" value="xlsx" className="rounded border border-brand-700 bg-white px-3 py-2 text-sm font-semibold text-brand-700 hover:bg-brand-50" data-testid="download-xlsx">
          <span aria-hidden="true">↓</span> {labels.excel}
        </button>
        <button type="submit" formAction="/reports/download" name="format" value="csv" className="rounded border border-slate-300 bg-white px-3 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-50" data-testid="download-csv">
          <span aria-hidden="true">↓</span> {labels.csv}
        </button>
      </div>
    </Step>
  );
}

/**
 * The report builder: a GET form, so every choice lands in the URL (a report can be bookmarked,
 * and a schedule stores exactly these parameters); a selection too long for a URL is saved and
 * gets a short one (`saveWhenLong`). HTML shows the report under the form; Excel and CSV download it.
 */
export function ReportBuilder({ labels, counting, typeGroups, ranges, products, options, state, limits, errors, everyCardholder, saveAbove }: Props) {
  const [range, setRange] = useState(state.range || "last-30-days");
  const saved = useRef<HTMLFormElement>(null);
  return (
    <>
      <form method="post" action="/reports/saved" ref={saved} hidden data-testid="saved-selection-form">
        <input type="hidden" name="query" />
        <input type="hidden" name="to" />
      </form>
      <form method="get" action="/reports" onSubmit={(event) => saveWhenLong(event, saveAbove, saved.current)} className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid="report-builder">
        <TypeStep title={labels.steps.type} typeGroups={typeGroups} checked={state.type} errors={errors.type} />
        <RangeStep labels={labels} ranges={ranges} range={range} onRange={setRange} state={state} limits={limits} errors={errors} />
        <FiltersStep title={labels.steps.filters} labels={labels.filters} counting={counting} options={options} products={products} state={state} errors={errors} everyCardholder={everyCardholder} />
        <OutputStep labels={labels} />
      </form>
    </>
  );
}
