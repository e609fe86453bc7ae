import type { ReactNode } from "react";
import { serviceTypes, type ServiceType } from "@/db/schema";
import type { AccountChartData, MonthToDate, MonthUsage, RoomChartData, Top, TopLine } from "@/lib/data/usage-charts";
import { formatCount, formatDuration, formatMoney, formatRoomNumber } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { periodInSentence, periodLabel, toUrlPeriod, type Period } from "@/lib/periods";
import { monthReportHref } from "@/lib/reports/month-report";
import { html, innerHtml } from "@/lib/html";
import { ChartLegend } from "./chart-palette";
import { MonthChart, type Measure } from "./month-chart";
import { MonthToDateChart } from "./month-to-date-chart";
import { TopChart, type TopLink } from "./top-chart";

type Money = { currency: string; locale: string };

type Props = {
  t: Messages;
  locale: string;
  money: Money;
  months: MonthUsage[];
  /** Where each month opens (see MonthChart). */
  open: (period: Period) => { href: string; label: string } | undefined;
  /** Said under the months when some cannot be opened. */
  monthsNote?: string;
  monthToDate?: MonthToDate;
  /** The selected period's top rooms and codes, with where each line opens. */
  tops: { title: string; heading: string; top: Top; link: TopLink }[];
};

/** The measures of the 13-month charts: charge in the account's currency, minutes (time as the tables write it). */
function measures(t: Messages, money: Money): { charge: Measure; minutes: Measure } {
  return {
    charge: {
      title: t.charts.charge,
      value: (f) => f.chargeMinor,
      axis: (n) => formatMoney(Math.round(n), money.currency, money.locale),
      cell: (f) => formatMoney(f.chargeMinor, money.currency, money.locale),
    },
    minutes: {
      title: t.charts.minutes,
      value: (f) => f.durationS / 60,
      axis: (n) => `${formatCount(Math.round(n), money.locale)} ${t.charts.minutesUnit}`,
      cell: (f) => formatDuration(f.durationS),
    },
  };
}

/**
 * "Usage at a glance": 13 months of charge and minutes, this month so far beside last month's same
 * days, and the selected period's top rooms and codes. Printable: the charts are SVG and text.
 */
function UsageCharts({ t, locale, money, months, open, monthsNote, monthToDate, tops }: Props) {
  const used = serviceTypes.filter((type) => months.some((m) => m.byType[type].durationS > 0 || m.byType[type].chargeMinor > 0));
  const types: readonly ServiceType[] = used.length ? used : ["toll"];
  const { charge, minutes } = measures(t, money);
  return (
    <section className="charts mb-6 rounded-lg border border-slate-200 bg-white shadow-sm" aria-labelledby="charts-title">
      <h2 id="charts-title" className="rounded-t-lg border-b border-slate-200 bg-brand-50 px-5 py-2.5 text-sm font-bold uppercase tracking-wide text-brand-900">
        {t.charts.title}
      </h2>
      <div className="grid gap-6 px-4 py-4 sm:px-5 lg:grid-cols-2">
        <MonthChart t={t} locale={locale} id="cc" measure={charge} months={months} types={types} open={open} />
        <MonthChart t={t} locale={locale} id="cm" measure={minutes} months={months} types={types} open={open} />
      </div>
      <div className="px-4 sm:px-5">
        <ChartLegend title={t.charts.legend} labels={t.serviceTypes} types={types} openNote={t.charts.openNote} />
        {monthsNote && <p className="no-print mt-1 text-xs text-slate-600">{monthsNote}</p>}
        <MonthFigures t={t} locale={locale} months={months} types={types} measures={[charge, minutes]} />
      </div>
      <div className={`grid gap-6 border-t border-slate-200 px-4 py-4 sm:px-5 lg:grid-cols-2 ${tops.length > 1 ? "xl:grid-cols-3" : ""}`}>
        {monthToDate && <MonthToDateChart t={t} locale={locale} money={money} current={months.at(-1)!.period} figures={monthToDate} />}
        {tops.map((top) => (
          <TopChart key={top.title} t={t} title={top.title} heading={top.heading} top={top.top} money={money} link={top.link} />
        ))}
      </div>
    </section>
  );
}

/** The 13 months' figures as tables (per service type and in all), folded under the charts. */
function MonthFigures({ t, locale, months, types, measures }: { t: Messages; locale: string; months: MonthUsage[]; types: readonly ServiceType[]; measures: Measure[] }) {
  return (
    <details className="no-print mt-3 mb-4 text-sm">
      <summary className="cursor-pointer font-medium text-brand-700 hover:underline">{t.charts.figures}</summary>
      {measures.map((measure) => (
        <div key={measure.title} className="mt-3 overflow-x-auto">
          <table className="chart-figures min-w-full text-right text-xs tabular-nums">
            <caption className="mb-1 text-left text-sm font-semibold text-slate-800">{measure.title}</caption>
            <thead>
              <tr className="border-b border-slate-300 text-slate-600">
                <Th left>{t.charts.month}</Th>
                {types.map((type) => (
                  <Th key={type}>{t.serviceTypes[type]}</Th>
                ))}
                <Th>{t.summary.total}</Th>
              </tr>
            </thead>
            <tbody dangerouslySetInnerHTML={innerHtml(html`${months.map((m) => html`<tr><th scope="row">${periodLabel(m.period, locale)}</th>${types.map((type) => html`<td>${measure.cell(m.byType[type])}</td>`)}<td class="font-semibold">${measure.cell(m)}</td></tr>`)}`)} />
          </table>
        </div>
      ))}
    </details>
  );
}

function Th({ children, left }: { children: ReactNode; left?: boolean }) {
  return (
    <th scope="col" className={`whitespace-nowrap px-2 py-1 font-medium ${left ? "pl-0 text-left" : ""}`}>
      {children}
    </th>
  );
}

type PageCharts = {
  t: Messages;
  locale: string;
  money: Money;
  /** The period shown by the page, and those it offers. */
  period: Period;
  periods: Period[];
  /** The page's address for another of its periods. */
  periodHref: (period: Period) => string;
};

/**
 * The account summary's charts: a month this page offers opens it, an older one the Usage report of
 * its days; top rooms open the room, top codes the code's conferences.
 */
export function AccountCharts({ t, locale, money, charts, period, periods, periodHref }: PageCharts & { charts: AccountChartData }) {
  const month = periodInSentence(period, locale);
  const open = (p: Period) => {
    const label = periodLabel(p, locale);
    if (periods.includes(p)) return { href: periodHref(p), label: fill(t.charts.openMonth, { month: label }) };
    const href = monthReportHref(p);
    return href ? { href, label: fill(t.charts.inReports, { month: label }) } : undefined;
  };
  const tops = [
    {
      title: fill(t.charts.topRooms, { month }),
      heading: t.charts.room,
      top: charts.topRooms,
      link: { label: (l: TopLine) => `${formatRoomNumber(l.key)} · ${l.label}`, href: (l: TopLine) => `/rooms/${l.key}?period=${toUrlPeriod(period)}` },
    },
    {
      title: fill(t.charts.topCodes, { month }),
      heading: t.charts.code,
      top: charts.topCodes,
      link: { label: (l: TopLine) => l.label || t.codes.unallocated, href: (l: TopLine) => `/account/conferences?${new URLSearchParams({ period: toUrlPeriod(period), code: l.key })}` },
    },
  ];
  return <UsageCharts t={t} locale={locale} money={money} months={charts.months} open={open} monthsNote={t.charts.olderInReports} monthToDate={charts.monthToDate} tops={tops} />;
}

/**
 * A room page's charts: the months this page offers open it (older ones have no page a room holder
 * may open); its top codes are not links, the room's conferences with their codes being the list
 * above them (no page shows one room's conferences of one code).
 */
export function RoomCharts({ t, locale, money, charts, period, periods, periodHref }: PageCharts & { charts: RoomChartData }) {
  const open = (p: Period) => (periods.includes(p) ? { href: periodHref(p), label: fill(t.charts.openMonth, { month: periodLabel(p, locale) }) } : undefined);
  const tops = [{ title: fill(t.charts.topCodes, { month: periodInSentence(period, locale) }), heading: t.charts.code, top: charts.topCodes, link: { label: (l: TopLine) => l.label || t.codes.unallocated, href: () => undefined } }];
  return <UsageCharts t={t} locale={locale} money={money} months={charts.months} open={open} monthsNote={t.charts.olderNotHere} monthToDate={charts.monthToDate} tops={tops} />;
}
