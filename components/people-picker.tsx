"use client";

import { useMemo, useState } from "react";
import { formatCount } from "@/lib/format";
import { plural, type Plural } from "@/lib/i18n/plural";
import { withColon } from "@/lib/i18n/typography";

export type PickerOption = { id: number; label: string; detail?: string };
type PickerLabels = { search: string; selectShown: string; clear: string; selected: Plural; all: string; none: string };
/** How counts are written: the UI language's plural rules, the account's digits. */
export type Counting = { lang: string; locale: string };

type Props = {
  /** The URL parameter: the selection is sent as one comma-separated value. */
  name: string;
  legend: string;
  options: PickerOption[];
  selected: number[];
  labels: PickerLabels;
  counting: Counting;
  error?: string[];
  /**
   * The value sent when every option is ticked (e.g. "all"), instead of every id: 2,000 ids make
   * a URL too long for a request's headers. `selected` says whether it was sent.
   */
  every?: { value: string; selected: boolean };
};

/** Lines drawn at once: enough to scan, few enough that 2,000 people stay quick to filter. */
const SHOWN = 150;

/** The options whose label or detail holds every word of the search, in any case. */
function matching(options: PickerOption[], search: string): PickerOption[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return options;
  return options.filter((o) => {
    const text = `${o.label} ${o.detail ?? ""}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** How many are ticked, and the buttons that tick every match or untick all. */
function PickerActions({ name, labels, counting, count, shown, onSelectShown, onClear }: { name: string; labels: PickerLabels; counting: Counting; count: number; shown: number; onSelectShown: () => void; onClear: () => void }) {
  const button = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-40";
  return (
    <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
      <span className="font-medium" data-testid={`${name}-count`}>
        {count ? plural(counting.lang, count, labels.selected, {}, counting.locale) : labels.all}
      </span>
      <button type="button" className={button} disabled={!shown} onClick={onSelectShown}>
        {labels.selectShown} ({formatCount(shown, counting.locale)})
      </button>
      <button type="button" className={button} disabled={!count} onClick={onClear}>
        {labels.clear}
      </button>
    </div>
  );
}

/** The first SHOWN matches as checkboxes; the others only counted, so a long list stays quick. */
function PickerList({ matches, selected, onToggle }: { matches: PickerOption[]; selected: Set<number>; onToggle: (id: number) => void }) {
  return (
    <ul className="max-h-44 space-y-1 overflow-y-auto text-sm">
      {matches.slice(0, SHOWN).map((o) => (
        <li key={o.id}>
          <label className="flex cursor-pointer min-h-6 items-center gap-2 rounded px-1 hover:bg-brand-50">
            <input type="checkbox" checked={selected.has(o.id)} onChange={() => onToggle(o.id)} className="h-4 w-4 shrink-0 accent-brand-700" />
            <span className="truncate">
              {o.label}
              {o.detail && <span className="ml-1 text-xs text-slate-600">{o.detail}</span>}
            </span>
          </label>
        </li>
      ))}
      {matches.length > SHOWN && <li className="px-1 text-xs text-slate-600">… +{matches.length - SHOWN}</li>}
    </ul>
  );
}

/**
 * A searchable list of checkboxes for one people filter. "Select all shown" takes every match of
 * the search (not only the lines drawn), so a long list is filtered and selected in two steps.
 */
export function PeoplePicker({ name, legend, options, selected: initial, labels, counting, error, every }: Props) {
  const [selected, setSelected] = useState(() => new Set(every?.selected ? options.map((o) => o.id) : initial));
  const [search, setSearch] = useState("");
  const matches = useMemo(() => matching(options, search), [options, search]);
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const errorId = `${name}-error`;
  return (
    <fieldset className="min-w-0 rounded-lg border border-slate-200 bg-white p-3" aria-describedby={error ? errorId : undefined} data-testid={`picker-${name}`}>
      <legend className="px-1 text-sm font-semibold text-slate-800">{legend}</legend>
      {selected.size > 0 && (
        <input type="hidden" name={name} value={every && selected.size === options.length ? every.value : [...selected].sort((a, b) => a - b).join(",")} />
      )}
      {options.length === 0 ? (
        <p className="text-sm text-slate-600">{labels.none}</p>
      ) : (
        <>
          {options.length > 8 && (
            <input
              type="search"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              placeholder={labels.search}
              aria-label={`${withColon(counting.lang, legend)} ${labels.search}`}
              className="mb-2 w-full rounded border border-slate-300 px-2 py-1 text-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30"
            />
          )}
          <PickerActions name={name} labels={labels} counting={counting} count={selected.size} shown={matches.length} onSelectShown={() => setSelected((current) => new Set([...current, ...matches.map((m) => m.id)]))} onClear={() => setSelected(new Set())} />
          <PickerList matches={matches} selected={selected} onToggle={toggle} />
        </>
      )}
      {error && (
        <p id={errorId} className="mt-2 text-sm font-medium text-red-700">
          {error.join(" ")}
        </p>
      )}
    </fieldset>
  );
}
