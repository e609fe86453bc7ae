import Link from "next/link";
import { notFound } from "next/navigation";
import { CleanupFilters } from "@/components/cleanup-filters";
import { ConferenceList } from "@/components/conference-list";
import { PageActions } from "@/components/page-actions";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { SelectAllBox } from "@/components/select-all-box";
import { StatusBadge } from "@/components/summary-block";
import { assignCleanup } from "@/lib/actions/billing-codes";
import { requireOwner } from "@/lib/auth/session";
import { readCleanupFilter } from "@/lib/cleanup";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getUnallocatedRooms } from "@/lib/data/code-usage";
import { getBillingCodeSuggestions, getConferenceLines } from "@/lib/data/conferences";
import { getMessages } from "@/lib/i18n/locale";
import { fill, type Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { readPage } from "@/lib/paging";
import { choosePeriod, periodBounds, periodInSentence, periodLabel, toUrlPeriod, type Period } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { isoDay, wallClock } from "@/lib/time-zone";
import { pageTitle, periodWords } from "@/lib/i18n/page-title";

/** Download and Print, the way back, the title with the month's status, and what the page is for. */
function CleanupHeading({ t, locale, period, invoiced, downloadHref }: { t: Messages; locale: string; period: Period; invoiced: boolean; downloadHref: string }) {
  return (
    <>
      <PageActions download={{ label: t.download.button, href: downloadHref }} printLabel={t.download.print} />
      <Link href={`/account?period=${toUrlPeriod(period)}&sort=code`} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
        ← {t.room.backToAccount}
      </Link>
      <h1 className="mb-1 flex items-center text-xl font-semibold text-brand-900">
        {t.cleanup.title}
        <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </h1>
      <p className="mb-4 max-w-3xl text-sm text-slate-600" data-testid="cleanup-intro">
        {invoiced ? fill(t.cleanup.invoicedNote, { period: periodLabel(period, locale) }) : fill(t.cleanup.intro, { period: periodInSentence(period, locale) })}
      </p>
    </>
  );
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }) {
  return pageTitle(async (t, locale) => [t.cleanup.title, await periodWords(searchParams, locale)]);
}

/**
 * The month-end clean-up: a period's unallocated conferences across rooms, filtered by room and
 * days, a page at a time; one code for the ones ticked or for all that match (every page). An
 * invoiced month is shown read-only. Owners only (a room holder gets 404).
 */
export default async function CleanupPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  const { period, periods } = choosePeriod(first(params.period), account.timeZone);
  if (!period) return <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href="/account/unallocated" />;
  const query = await readCleanupFilter(scope, period, account.timeZone, { room: first(params.room), from: first(params.from), to: first(params.to) }, t, locale);
  if (!query) notFound();

  const [status, unallocated, { list, page }, suggestions] = await Promise.all([
    getPeriodStatus(scope, period),
    getUnallocatedRooms(scope, period),
    readPage(first(params.page), (slice) => getConferenceLines(scope, period, query.filter, slice), (lines) => lines.conferences),
    getBillingCodeSuggestions(scope),
  ]);
  const invoiced = status === "invoiced";
  const url = (p: Record<string, string> = {}) => {
    const q = new URLSearchParams({ period: toUrlPeriod(period), ...query.values, ...p });
    for (const [k, v] of [...q]) if (v === "") q.delete(k);
    return q.toString();
  };
  const bounds = periodBounds(period, account.timeZone);
  const rooms = query.room && !unallocated.rooms.some((r) => r.number === query.room!.number) ? [...unallocated.rooms, { ...query.room, conferences: 0 }] : unallocated.rooms;
  const filtered = Boolean(query.filter.roomId || query.filter.from || query.filter.to);
  const view = { period: toUrlPeriod(period), ...query.values, shown: list.conferences };
  return (
    <>
      <CleanupHeading t={t} locale={locale} period={period} invoiced={invoiced} downloadHref={`/download/unallocated?${url()}`} />
      <CleanupFilters
        t={t}
        periods={periods.map((p) => [toUrlPeriod(p), periodLabel(p, locale)])}
        period={toUrlPeriod(period)}
        rooms={rooms}
        values={query.values}
        errors={query.errors}
        days={{ min: isoDay(wallClock(bounds.start, account.timeZone)), max: isoDay(wallClock(new Date(bounds.end.getTime() - 1), account.timeZone)) }}
        clearHref={`/account/unallocated?period=${toUrlPeriod(period)}`}
      />
      <p className="mb-3 text-sm font-medium text-slate-700" data-testid="cleanup-count">
        {plural(t.lang, list.conferences, t.cleanup.matching, {}, account.locale)}
      </p>
      <ConferenceList
        t={t}
        list={list}
        page={page}
        account={account}
        invoiced={invoiced}
        suggestions={suggestions}
        emptyMessage={filtered ? t.cleanup.noneMatching : fill(t.cleanup.none, { period: periodInSentence(period, locale) })}
        roomColumn={t.summary.roomNumber}
        assign={assignCleanup.bind(null, view)}
        before={list.conferences > 0 && <SelectAllBox key={`${url()}:${list.conferences}`} label={plural(t.lang, list.conferences, t.cleanup.selectAllMatching, {}, account.locale)} hint={t.cleanup.selectAllHint} />}
        keepForm
        pageHref={(n) => `/account/unallocated?${url({ page: String(n) })}`}
      />
    </>
  );
}
