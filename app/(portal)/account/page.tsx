import { AccountSummary } from "@/components/account-summary";
import { cleanupHref, CodeUsageSection, RoomUsageSection } from "@/components/account-usage";
import { PageActions } from "@/components/page-actions";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { SortSwitch } from "@/components/sort-switch";
import { AccountCharts } from "@/components/usage-charts";
import { requireOwner } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getCodeUsage, getUnallocatedRooms } from "@/lib/data/code-usage";
import { getRoomUsage, type RoomDisplay } from "@/lib/data/room-usage";
import { getAccountCharts } from "@/lib/data/usage-charts";
import { getMessages } from "@/lib/i18n/locale";
import { readPage } from "@/lib/paging";
import { choosePeriod, toUrlPeriod, type Period } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle, periodWords } from "@/lib/i18n/page-title";

/** This page's address with its period, display and sort, changed by `p` (an empty value drops a parameter). */
function accountQuery(period: Period, display: RoomDisplay, byCode: boolean, p: Record<string, string> = {}): string {
  const q = new URLSearchParams({ period: toUrlPeriod(period), ...(display === "all" ? { display } : {}), ...(byCode ? { sort: "code" } : {}), ...p });
  for (const [k, v] of [...q]) if (v === "") q.delete(k);
  return `?${q}`;
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }) {
  return pageTitle(async (t, locale) => [t.summary.title, await periodWords(searchParams, locale)]);
}

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  const { period, periods } = choosePeriod(first(params.period), account.timeZone);
  const display: RoomDisplay = first(params.display) === "all" ? "all" : "active";
  const byCode = first(params.sort) === "code";
  const header = <h1 className="sr-only">{t.summary.title}</h1>;
  if (!period) {
    return (
      <>
        {header}
        <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href="/account" />
      </>
    );
  }

  const [status, unallocated, rooms, codes, charts] = await Promise.all([
    getPeriodStatus(scope, period),
    getUnallocatedRooms(scope, period),
    byCode ? undefined : readPage(first(params.page), (slice) => getRoomUsage(scope, period, display, slice), (usage) => usage.count),
    byCode ? getCodeUsage(scope, period) : undefined,
    getAccountCharts(scope, periods[0]!, period, account.timeZone),
  ]);
  const query = (p?: Record<string, string>) => accountQuery(period, display, byCode, p);
  return (
    <>
      {header}
      <PageActions
        download={{ label: t.download.button, href: `/download/account${query()}` }}
        extra={{ label: t.download.statementButton, href: `/download/statement?period=${toUrlPeriod(period)}` }}
        printLabel={t.download.print}
      />
      <div className="mb-6 max-w-2xl">
        <AccountSummary t={t} locale={locale} account={account} invoiced={status === "invoiced"} periods={periods} period={period} display={display} byCode={byCode} unallocated={unallocated} cleanupHref={cleanupHref(period)} />
      </div>
      <AccountCharts t={t} locale={locale} money={account} charts={charts} period={period} periods={periods} periodHref={(p) => `/account${accountQuery(p, display, byCode)}`} />
      <div className="mb-4">
        <SortSwitch
          options={[
            { label: t.codes.sortByRoom, href: `/account${query({ sort: "" })}`, active: !byCode },
            { label: t.codes.sortByCode, href: `/account${query({ sort: "code" })}`, active: byCode },
          ]}
        />
      </div>
      {codes && <CodeUsageSection t={t} codes={codes} period={period} money={account} invoiced={status === "invoiced"} />}
      {rooms && (
        <RoomUsageSection
          t={t}
          usage={rooms.list}
          page={rooms.page}
          period={period}
          money={account}
          showAllHref={display === "active" ? query({ display: "all" }) : undefined}
          pageHref={(n) => `/account${query({ page: String(n) })}`}
        />
      )}
    </>
  );
}
