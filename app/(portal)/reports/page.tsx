import { notFound } from "next/navigation";
import { ReportBuilderPanel } from "@/components/report-builder-panel";
import { ReportErrors } from "@/components/report-errors";
import { ReportSection } from "@/components/report-section";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { checkReportRequest, getReportFilterOptions, getReportPage, products } from "@/lib/data/reports";
import { getMessages } from "@/lib/i18n/locale";
import { reportSearchParams } from "@/lib/reports/query";
import { reportParams, SAVE_ABOVE_CHARACTERS } from "@/lib/reports/selections";
import { first, toUrlSearchParams, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";


export const generateMetadata = () => pageTitle((t) => [t.reports.title]);

export default async function ReportsPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const now = new Date();
  // `s=<id>`: a selection too long for the address, saved by the builder; not the account's: 404.
  const saved = first(params.s);
  const q = await reportParams(scope, toUrlSearchParams(params));
  if (!q) notFound();
  const [{ locale, t }, account, options] = await Promise.all([getMessages(), getAccount(scope), getReportFilterOptions(scope)]);
  // Nothing asked yet: the builder alone. Otherwise the report, or what is wrong with the request.
  const { query, names, errors } = await checkReportRequest(scope, q, now, t);
  const data = query && (await getReportPage(scope, query, first(params.page), { t, locale, currency: account.currency }));
  const r = t.reports;
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">{r.title}</h1>
      <p className="mb-1 mt-1 text-sm text-slate-600">{r.intro}</p>
      <p className="mb-5 text-sm font-medium text-slate-700">{r.gmtNote}</p>
      <ReportErrors title={r.problem} errors={errors} />
      <ReportBuilderPanel
        t={t}
        locale={account.locale}
        now={now}
        open={!data}
        q={q}
        query={query}
        errors={errors}
        options={options}
        products={products}
        saveAbove={SAVE_ABOVE_CHARACTERS}
      />
      {query && names && data && (
        <ReportSection t={t} language={locale} account={account} query={query} names={names} data={data} search={saved === undefined ? reportSearchParams(query) : new URLSearchParams({ s: saved })} />
      )}
    </>
  );
}
