import type { ServiceType } from "@/db/schema";
import type { MonthUsage } from "@/lib/data/usage-charts";
import type { Messages } from "@/lib/i18n/messages";
import { fill } from "@/lib/i18n/messages";
import { periodLabel, type Period } from "@/lib/periods";
import { ChartPatterns, fillOf } from "./chart-palette";

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
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2 text-sm font-semibold text-slate-800">{measure.title}</figcaption>
      <div className="relative">
        <div className="relative h-40 border-b border-slate-400 sm:h-44">
          <svg className="absolute inset-0 h-full w-full" viewBox={`0 0 ${COLUMN * months.length} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary}>
            <title>{summary}</title>
            <ChartPatterns prefix={id} size={14} types={types} />
            {[0, 0.5].map((f) => (
              <line key={f} x1="0" x2={COLUMN * months.length} y1={f * HEIGHT + 1} y2={f * HEIGHT + 1} stroke="#cbd5e1" strokeDasharray="4 3" vectorEffect="non-scaling-stroke" />
            ))}
            {months.map((m, i) => {
              let base = 0;
              return (
                <g key={m.period} stroke="white" strokeWidth="3">
                  {types.map((type) => {
                    const v = measure.value(m.byType[type]);
                    if (v <= 0) return null;
                    const rect = <rect key={type} x={i * COLUMN + 18} width={COLUMN - 36} y={y(base + v)} height={Math.round((y(base) - y(base + v)) * 10) / 10} fill={fillOf(id, type)} />;
                    base += v;
                    return rect;
                  })}
                  {i === months.length - 1 && <rect x={i * COLUMN + 8} width={COLUMN - 16} y="3" height={HEIGHT - 3} fill="none" stroke="#334155" strokeWidth="1.5" strokeDasharray="5 3" vectorEffect="non-scaling-stroke" />}
                </g>
              );
            })}
          </svg>
          <span className="pointer-events-none absolute left-0 top-0 rounded-sm bg-white/85 px-1 text-[11px] leading-4 text-slate-600">{measure.axis(top)}</span>
          <span className="pointer-events-none absolute left-0 top-1/2 -translate-y-full rounded-sm bg-white/85 px-1 text-[11px] leading-4 text-slate-600">{measure.axis(top / 2)}</span>
        </div>
        <div className="h-9" />
        <ol className="chart-months absolute inset-0 grid grid-cols-13">
          {months.map((m, i) => (
            <li key={m.period}>
              <MonthLabel t={t} locale={locale} period={m.period} first={i === 0} isOpen={i === months.length - 1} link={open(m.period)} />
            </li>
          ))}
        </ol>
      </div>
    </figure>
  );
}

function MonthLabel({ t, locale, period, first, isOpen, link }: { t: Messages; locale: string; period: Period; first: boolean; isOpen: boolean; link?: { href: string; label: string } }) {
  const january = period.endsWith("-01-01");
  const words = (
    <>
      <span aria-hidden="true" className="narrow">
        {monthName(period, locale, "narrow")}
      </span>
      <span aria-hidden="true" className="short">
        {monthName(period, locale, "short")}
      </span>
      {/* The year under January, and under the first month where there is room for it beside January's. */}
      <span aria-hidden="true" className="year">
        {january ? period.slice(0, 4) : first ? <span className="hidden sm:inline">{period.slice(0, 4)}</span> : isOpen ? <span className="hidden lg:inline">{t.charts.open}</span> : "\u00a0"}
      </span>
    </>
  );
  if (!link) {
    return (
      <div className="chart-month">
        {words}
        <span className="sr-only">{periodLabel(period, locale)}{isOpen ? ` (${t.charts.open})` : ""}</span>
      </div>
    );
  }
  return (
    <a href={link.href} className="chart-month">
      {words}
      <span className="sr-only">{link.label}{isOpen ? ` (${t.charts.open})` : ""}</span>
    </a>
  );
}
