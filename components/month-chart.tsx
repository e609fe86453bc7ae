import type { ServiceType } from "@/db/schema";
import type { MonthUsage } from "@/lib/data/usage-charts";
import type { Messages } from "@/lib/i18n/messages";
import { fill } from "@/lib/i18n/messages";
import { periodLabel, type Period } from "@/lib/periods";
import { html, innerHtml, type SafeHtml } from "@/lib/html";
import { fillOf, patternsHtml } from "./chart-palette";

/** What a month's bar measures: its charge, or its minutes. */
export type Measure = { title: string; value: (f: { durationS: number; chargeMinor: number }) => number; axis: (n: number) => string; cell: (f: { durationS: number; chargeMinor: number }) => string };

type Props = {
  t: Messages;
  locale: string;
  /** Unique on the page: names the chart's SVG patterns. */
  id: string;
  measure: Measure;
  months: MonthUsage[];
  /** The service types with usage in these months, in stack order (from the bottom). */
  types: readonly ServiceType[];
  /** Where a month opens, with the words saying so; none for a month the portal cannot open here. */
  open: (period: Period) => { href: string; label: string } | undefined;
};

const COLUMN = 100;
const HEIGHT = 400;

/** A round number at or above `n` (1, 2, 2.5, 5 × a power of ten) for the top of the axis. */
function axisTop(n: number): number {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((m) => m >= n)!;
}

const monthFormats = new Map<string, Intl.DateTimeFormat>();
function monthName(period: Period, locale: string, width: "short" | "narrow"): string {
  const key = `${locale}|${width}`;
  let format = monthFormats.get(key);
  if (!format) monthFormats.set(key, (format = new Intl.DateTimeFormat(locale, { month: width, timeZone: "UTC" })));
  const [y, m] = period.split("-").map(Number) as [number, number];
  return format.format(Date.UTC(y, m - 1, 1));
}

/**
 * 13 months as stacked bars (one layer per service type, stack order = legend order), the current
 * month outlined as open. The SVG is one image with its summary in words; the months under it are
 * links (the whole column is clickable); the figures are in a table under the chart.
 */
export function MonthChart({ t, locale, id, measure, months, types, open }: Props) {
  const values = months.map((m) => measure.value(m));
  const top = axisTop(Math.max(...values));
  const highest = values.indexOf(Math.max(...values));
  const last = months.at(-1)!;
  const summary = fill(t.charts.monthsSummary, {
    what: measure.title,
    from: periodLabel(months[0]!.period, locale),
    to: periodLabel(last.period, locale),
    max: measure.cell(months[highest]!),
    maxMonth: periodLabel(months[highest]!.period, locale),
    current: periodLabel(last.period, locale),
    last: measure.cell(last),
  });
  // One decimal is finer than a pixel: shorter markup (the page carries it twice, as HTML and as RSC payload).
  const y = (v: number) => Math.round((HEIGHT - (v / top) * HEIGHT) * 10) / 10;
  const width = COLUMN * months.length;
  const columns = months.map((m, i) => {
    let base = 0;
    const rects = types.map((type) => {
      const v = measure.value(m.byType[type]);
      if (v <= 0) return null;
      const rect = html`<rect x="${i * COLUMN + 18}" width="${COLUMN - 36}" y="${y(base + v)}" height="${Math.round((y(base) - y(base + v)) * 10) / 10}" fill="${fillOf(id, type)}"/>`;
      base += v;
      return rect;
    });
    const outline = i === months.length - 1 && html`<rect x="${i * COLUMN + 8}" width="${COLUMN - 16}" y="3" height="${HEIGHT - 3}" fill="none" stroke="#334155" stroke-width="1.5" stroke-dasharray="5 3" vector-effect="non-scaling-stroke"/>`;
    return html`<g stroke="white" stroke-width="3">${rects}${outline}</g>`;
  });
  const grid = [0, 0.5].map((f) => html`<line x1="0" x2="${width}" y1="${f * HEIGHT + 1}" y2="${f * HEIGHT + 1}" stroke="#cbd5e1" stroke-dasharray="4 3" vector-effect="non-scaling-stroke"/>`);
  // As one string, like the long tables (lib/html.ts): hundreds of React elements cost the page time and bytes.
  const chart = html`<div class="relative h-40 border-b border-slate-400 sm:h-44"><svg class="absolute inset-0 h-full w-full" viewBox="0 0 ${width} ${HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${summary}"><title>${summary}</title>${patternsHtml(id, 14, types)}${grid}${columns}</svg><span class="chart-axis top-0">${measure.axis(top)}</span><span class="chart-axis top-1/2 -translate-y-full">${measure.axis(top / 2)}</span></div><div class="h-9"></div><ol class="chart-months absolute inset-0 grid grid-cols-13">${months.map((m, i) => html`<li>${monthLabel(t, locale, m.period, i === 0, i === months.length - 1, open(m.period))}</li>`)}</ol>`;
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2 text-sm font-semibold text-slate-800">{measure.title}</figcaption>
      <div className="relative" dangerouslySetInnerHTML={innerHtml(chart)} />
    </figure>
  );
}

/** A month under the chart: its initial (phone) or short name, the year under January, a link when it opens somewhere. */
function monthLabel(t: Messages, locale: string, period: Period, first: boolean, isOpen: boolean, link?: { href: string; label: string }): SafeHtml {
  const january = period.endsWith("-01-01");
  // The year under January, and under the first month where there is room for it beside January's.
  const under = january ? period.slice(0, 4) : first ? html`<span class="hidden sm:inline">${period.slice(0, 4)}</span>` : isOpen ? html`<span class="hidden lg:inline">${t.charts.open}</span>` : "\u00a0";
  const words = html`<span aria-hidden="true" class="narrow">${monthName(period, locale, "narrow")}</span><span aria-hidden="true" class="short">${monthName(period, locale, "short")}</span><span aria-hidden="true" class="year">${under}</span>`;
  const open = isOpen ? ` (${t.charts.open})` : "";
  if (!link) return html`<div class="chart-month">${words}<span class="sr-only">${periodLabel(period, locale)}${open}</span></div>`;
  return html`<a href="${link.href}" class="chart-month">${words}<span class="sr-only">${link.label}${open}</span></a>`;
}
