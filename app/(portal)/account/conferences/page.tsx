import Link from "next/link";
import { notFound } from "next/navigation";
import { ConferenceList } from "@/components/conference-list";
import { PageActions } from "@/components/page-actions";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { StatusBadge } from "@/components/summary-block";
import { requireOwner } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConferenceLines } from "@/lib/data/conferences";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { readPage } from "@/lib/paging";
import { choosePeriod, periodLabel, toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle, periodWords } from "@/lib/i18n/page-title";

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }) {
  const code = first((await searchParams).code);
  return pageTitle(async (t, locale) => [code ? fill(t.codes.codeConferencesTitle, { code }) : t.codes.unallocatedConferencesTitle, await periodWords(searchParams, locale)]);
}

/** The conferences of one billing code (empty = Unallocated) across the account's rooms, to assign codes in bulk. */
export default async function CodeConferencesPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const code = first(params.code);
  if (code === undefined || code.length > 20) notFound();
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  const { period } = choosePeriod(first(params.period), account.timeZone);
  if (!period) return <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href="/account?sort=code" />;

  const filter = { billingCode: code || null };
  const [status, { list, page }, suggestions] = await Promise.all([
    getPeriodStatus(scope, period),
    readPage(first(params.page), (slice) => getConferenceLines(scope, period, filter, slice), (lines) => lines.conferences),
    getBillingCodeSuggestions(scope),
  ]);
  const invoiced = status === "invoiced";
  const query = new URLSearchParams({ period: toUrlPeriod(period), code });
  return (
    <>
      <PageActions download={{ label: t.download.button, href: `/download/code?${query}` }} printLabel={t.download.print} />
      <Link href={`/account?period=${toUrlPeriod(period)}&sort=code`} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
        ← {t.codes.sortByCode}
      </Link>
      <h1 className="mb-1 flex items-center text-xl font-semibold text-brand-900">
        {code ? fill(t.codes.codeConferencesTitle, { code }) : t.codes.unallocatedConferencesTitle}
        <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </h1>
      <p className="mb-5 text-sm text-slate-600">
        {periodLabel(period, locale)} · {plural(t.lang, list.conferences, t.room.conferencesCount, {}, account.locale)}
      </p>
      <ConferenceList
        t={t}
        list={list}
        page={page}
        account={account}
        invoiced={invoiced}
        suggestions={suggestions}
        emptyMessage={t.summary.noActiveRooms}
        lockedNote={t.codes.lockedInvoiced}
        roomColumn={t.summary.roomNumber}
        keepForm={!code}
        pageHref={(n) => `/account/conferences?${new URLSearchParams({ period: toUrlPeriod(period), code, page: String(n) })}`}
      />
    </>
  );
}
