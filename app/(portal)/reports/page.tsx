import { notFound } from "next/navigation";
import { ScheduleReportLink } from "@/components/schedule-report-link";
import { Pager } from "@/components/pager";
import { ReportBuilder, type BuilderState } from "@/components/report-builder";
import { ReportTable } from "@/components/report-table";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getReportFilterNames, getReportFilterOptions, getReportPage, products } from "@/lib/data/reports";
import { ValidationError } from "@/lib/errors";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { keepOnOneLine, reportDefinition, reportDefinitions } from "@/lib/reports/definitions";
import { reportHeading } from "@/lib/reports/export";
import { displayCell, displayDay, filterSummary, linesLabel } from "@/lib/reports/format";
import { ALL, earliestDay, gmtDay, parseReportQuery, rangePresets, reportSearchParams, reportTypes } from "@/lib/reports/query";
import { reportParams, SAVE_ABOVE_CHARACTERS } from "@/lib/reports/selections";
import { first, type SearchParams } from "@/lib/search-params";

export const metadata = { title: "Reports" };

/** Search parameters as the URLSearchParams a report is read from (repeated values kept). */
function toUrlParams(params: Awaited<SearchParams>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) out.append(key, v);
  return out;
}

const ids = (q: URLSearchParams, name: string) => q.getAll(name).flatMap((v) => v.split(",")).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const now = new Date();
  // `s=<id>`: a selection too long for the address, saved by the builder; not the account's: 404.
  const saved = first(params.s);
  const q = await reportParams(scope, toUrlParams(params));
  if (!q) notFound();
  const [{ locale, t }, account, options] = await Promise.all([getMessages(), getAccount(scope), getReportFilterOptions(scope)]);
  const r = t.reports;

  // Nothing asked yet: the builder alone. Otherwise the report, or what is wrong with the request.
  const asked = q.has("type");
  const parsed = asked ? parseReportQuery(q, now, t) : undefined;
  let errors: Record<string, string[]> = parsed && !parsed.ok ? parsed.errors : {};
  let names;
  if (parsed?.ok) {
    try {
      names = await getReportFilterNames(scope, parsed.query, t);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors = { [error.field ?? "filters"]: [error.message] };
    }
  }
  const query = parsed?.ok && names ? parsed.query : undefined;

  const state: BuilderState = {
    type: q.get("type") ?? "",
    range: q.get("range") ?? (q.has("from") ? "custom" : ""),
    from: query?.from ?? q.get("from") ?? "",
    to: query?.to ?? q.get("to") ?? "",
    cardholders: ids(q, "cardholder"),
    allCardholders: q.getAll("cardholder").some((v) => v.split(",").includes(ALL)),
    owners: ids(q, "owner"),
    groups: ids(q, "group"),
    ungrouped: q.has("ungrouped"),
    products: q.getAll("product").flatMap((v) => v.split(",")),
  };
  const person = (p: { id: number; name: string; email: string }) => ({ id: p.id, label: p.name, detail: p.email });
  const headings = r.groupHeadings;

  const report = query && (await renderReport());
  async function renderReport() {
    const def = reportDefinition(query!.type);
    const data = await getReportPage(scope, query!, first(params.page), { t, locale, currency: account.currency });
    const headers = def.columns.map((c) => ({ label: r.columns[c.key], numeric: c.kind === "int" || c.kind === "duration" || c.kind === "money", oneLine: keepOnOneLine(c) }));
    const row = (label: string, sums: Partial<Record<number, number>>) => def.columns.map((c, i) => (i === 0 ? label : sums[i] === undefined ? "" : displayCell(c.kind, sums[i]!, account)));
    const search = saved === undefined ? reportSearchParams(query!) : new URLSearchParams({ s: saved });
    const download = (format: string) => `/reports/download?${search}&format=${format}`;
    return (
      <section className="mt-8" aria-labelledby="report-heading" data-testid="report">
        <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="report-heading" className="text-xl font-bold text-brand-900">
              {reportHeading(def, query!, { t, account })}
            </h2>
            <p className="text-sm text-slate-600">{def.usesFilters ? filterSummary(query!, names!, t) : r.notApplicable}</p>
            <p className="text-sm text-slate-600">
              {account.companyName} ({account.number}) · {r.gmtNote}
            </p>
          </div>
          <div className="no-print flex gap-2">
            <a href={download("xlsx")} download className="rounded border border-brand-700 bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-900" data-testid="report-xlsx">
              ↓ {r.excel}
            </a>
            <a href={download("csv")} download className="rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 hover:bg-slate-50" data-testid="report-csv">
              ↓ {r.csv}
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
              lines={data.lines.map((line) => line.map((cell, i) => displayCell(def.columns[i]!.kind, cell, account)))}
              subtotal={data.page.pages > 1 ? row(t.paging.subtotal, data.subtotal) : undefined}
              total={row(`${r.total} (${linesLabel(data.page.count, t, account.locale)})`, data.total)}
            />
            <Pager page={data.page} href={(n) => `/reports?${search}&page=${n}`} labels={t.paging} />
          </>
        )}
      </section>
    );
  }

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">{r.title}</h1>
      <p className="mb-1 mt-1 text-sm text-slate-600">{r.intro}</p>
      <p className="mb-5 text-sm font-medium text-slate-700">{r.gmtNote}</p>
      {Object.keys(errors).length > 0 && (
        <div className="mb-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert" data-testid="report-errors">
          <p className="font-semibold">{r.problem}</p>
          <ul className="ml-5 list-disc">
            {Object.values(errors)
              .flat()
              .map((message) => (
                <li key={message}>{message}</li>
              ))}
          </ul>
        </div>
      )}
      <details open={!report} className="group" data-testid="builder-details">
        <summary className="no-print mb-3 inline-flex cursor-pointer list-none items-center gap-1.5 rounded border border-brand-700 bg-white px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50 group-open:hidden">
          ✎ {r.edit}
        </summary>
      <ReportBuilder
        labels={{ steps: r.step, from: r.from, to: r.to, rangeHint: fill(r.rangeHint, { earliest: displayDay(earliestDay(now), account.locale), today: displayDay(gmtDay(now), account.locale) }), filters: r.filters, show: r.show, excel: r.excel, csv: r.csv, download: r.download }}
        typeGroups={(["account", "conferences", "audio"] as const).map((group) => ({
          heading: headings[group],
          types: reportTypes.filter((type) => reportDefinitions.get(type)!.group === group).map((type) => ({ value: type, label: r.types[type].name, description: r.types[type].description })),
        }))}
        ranges={[...rangePresets, "custom" as const].map((value) => ({ value, label: r.ranges[value] }))}
        products={products.map((value) => ({ value, label: r.products[value] }))}
        options={{ cardholders: options.cardholders.map(person), owners: options.owners.map(person), groups: options.groups.map((g) => ({ id: g.id, label: g.name, detail: `(${g.members})` })) }}
        state={state}
        limits={{ earliest: earliestDay(now), today: gmtDay(now) }}
        errors={errors}
        everyCardholder={ALL}
        saveAbove={SAVE_ABOVE_CHARACTERS}
      />
      </details>
      {report}
    </>
  );
}
