import type { AccountInfo } from "@/lib/data/account";
import type { ReportPage } from "@/lib/data/reports";
import type { Locale, Messages } from "@/lib/i18n/messages";
import { keepOnOneLine, reportDefinition } from "@/lib/reports/definitions";
import { displayCell, filterSummary, isNumeric, linesLabel, reportHeading, type FilterNames } from "@/lib/reports/format";
import type { ReportQuery } from "@/lib/reports/query";
import { Pager } from "./pager";
import { ReportTable } from "./report-table";
import { ScheduleReportLink } from "./schedule-report-link";

type Props = {
  t: Messages;
  /** The UI language, for words inside cells (month names). */
  language: Locale;
  account: AccountInfo;
  query: ReportQuery;
  names: FilterNames;
  data: ReportPage;
  /** The report's own search parameters (or its saved selection's id): for its pages, downloads and schedule. */
  search: URLSearchParams;
};


/** A report on screen: what it is about, its downloads, a page of its lines with the whole report's total. */
export function ReportSection({ t, language, account, query, names, data, search }: Props) {
  const r = t.reports;
  const def = reportDefinition(query.type);
  const headers = def.columns.map((c) => ({ label: r.columns[c.key], numeric: isNumeric(c.kind), oneLine: keepOnOneLine(c) }));
  const row = (label: string, sums: Partial<Record<number, number>>) => def.columns.map((c, i) => (i === 0 ? label : sums[i] === undefined ? "" : displayCell(c.kind, sums[i]!, account, language)));
  const download = (format: string) => `/reports/download?${search}&format=${format}`;
  return (
    <section className="mt-8" aria-labelledby="report-heading" data-testid="report">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="report-heading" className="text-xl font-bold text-brand-900">
            {reportHeading(def, query, { t, account })}
          </h2>
          <p className="text-sm text-slate-600">{def.usesFilters ? filterSummary(query, names, t) : r.notApplicable}</p>
          <p className="text-sm text-slate-600">
            {account.companyName} ({account.number}) · {r.gmtNote}
          </p>
        </div>
        <div className="no-print flex flex-wrap gap-2 whitespace-nowrap">
          <a href={download("xlsx")} download className="rounded border border-brand-700 bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-900" data-testid="report-xlsx">
            <span aria-hidden="true">↓</span> {r.excel}
          </a>
          <a href={download("csv")} download className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 hover:bg-slate-50" data-testid="report-csv">
            <span aria-hidden="true">↓</span> {r.csv}
          </a>
          <ScheduleReportLink search={search} label={t.schedules.scheduleThis} />
        </div>
      </div>
      {data.page.count === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-slate-700" data-testid="report-empty">
          {r.empty}
        </p>
      ) : (
        <>
          <ReportTable
            headers={headers}
            lines={data.lines.map((line) => line.map((cell, i) => displayCell(def.columns[i]!.kind, cell, account, language)))}
            subtotal={data.page.pages > 1 ? row(t.paging.subtotal, data.subtotal) : undefined}
            total={row(`${r.total} (${linesLabel(data.page.count, t, account.locale)})`, data.total)}
          />
          {def.columns.some((c) => c.overall) && (
            <p className="mt-2 text-sm text-slate-600" data-testid="report-distinct-note">
              {r.distinctNote}
            </p>
          )}
          <Pager page={data.page} href={(n) => `/reports?${search}&page=${n}`} labels={t.paging} locale={account.locale} />
        </>
      )}
    </section>
  );
}
