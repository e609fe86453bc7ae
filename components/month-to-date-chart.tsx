import type { MonthToDate } from "@/lib/data/usage-charts";
import { formatMoney } from "@/lib/format";
import type { Messages } from "@/lib/i18n/messages";
import { fill } from "@/lib/i18n/messages";
import { addMonths, periodInSentence, periodLabel, type Period } from "@/lib/periods";

type Props = { t: Messages; locale: string; money: { currency: string; locale: string }; current: Period; figures: MonthToDate };

const daysIn = (period: Period) => {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

/**
 * The current month's charge so far beside the previous month's over the same days and its whole
 * month, and a projection to the month's end at the pace so far, drawn apart (dashed) and said to
 * be one. Each bar's figure is written beside it; the bars are hidden from screen readers.
 */
export function MonthToDateChart({ t, locale, money, current, figures }: Props) {
  const previous = addMonths(current, -1);
  const projection = figures.elapsed > 0 ? Math.round(figures.current / figures.elapsed) : figures.current;
  const largest = Math.max(1, figures.current, figures.previous, figures.previousWhole, projection);
  const money$ = (n: number) => formatMoney(n, money.currency, money.locale);
  const rows = [
    { label: fill(t.charts.soFar, { month: periodLabel(current, locale), day: figures.day }), value: figures.current, colour: "#0072B2", projected: projection },
    { label: fill(t.charts.sameDays, { month: periodLabel(previous, locale), day: Math.min(figures.day, daysIn(previous)) }), value: figures.previous, colour: "#56B4E9" },
    { label: fill(t.charts.wholeMonth, { month: periodLabel(previous, locale) }), value: figures.previousWhole, colour: "#94a3b8" },
  ];
  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 text-sm font-semibold text-slate-800">{t.charts.monthToDate}</figcaption>
      <p className="mb-2 text-xs text-slate-600">{fill(t.charts.mtdSummary, { current: money$(figures.current), previous: money$(figures.previous) })}</p>
      <ul className="text-sm">
        {rows.map((row) => (
          <li key={row.label} className="py-1">
            <div className="flex justify-between gap-2">
              <span className="min-w-0">{row.label}</span>
              <span className="tabular-nums whitespace-nowrap">{money$(row.value)}</span>
            </div>
            <svg className="mt-0.5 block h-2.5 w-full" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true">
              <rect width="1000" height="10" fill="#f1f5f9" />
              {row.projected !== undefined && row.projected > row.value && (
                <rect x={(row.value / largest) * 1000} width={((row.projected - row.value) / largest) * 1000} y="0.75" height="8.5" fill="white" stroke="#0072B2" strokeWidth="1.5" strokeDasharray="4 3" vectorEffect="non-scaling-stroke" />
              )}
              <rect width={Math.max(row.value > 0 ? 4 : 0, (row.value / largest) * 1000)} height="10" fill={row.colour} />
            </svg>
          </li>
        ))}
      </ul>
      <div className="mt-2 rounded border border-dashed border-slate-400 px-2 py-1.5 text-sm">
        <dl className="flex justify-between gap-2">
          <dt className="min-w-0 font-medium">{fill(t.charts.projection, { month: periodInSentence(current, locale) })}</dt>
          <dd className="tabular-nums whitespace-nowrap font-medium">≈ {money$(projection)}</dd>
        </dl>
        <p className="mt-0.5 text-xs text-slate-600">{t.charts.projectionNote}</p>
      </div>
    </figure>
  );
}
