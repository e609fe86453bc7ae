import { CodeUsageTable } from "@/components/code-usage-table";
import { PageActions } from "@/components/page-actions";
import { Pager } from "@/components/pager";
import { PeriodControls } from "@/components/period-controls";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { RoomUsageTable } from "@/components/room-usage-table";
import { SortSwitch } from "@/components/sort-switch";
import { StatusBadge, SummaryBlock, SummaryLine } from "@/components/summary-block";
import { requireOwner } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getCodeUsage } from "@/lib/data/code-usage";
import { getRoomUsage, type RoomDisplay } from "@/lib/data/room-usage";
import { getMessages } from "@/lib/i18n/locale";
import { readPage, subtotal } from "@/lib/paging";
import { choosePeriod, periodLabel, toUrlPeriod } from "@/lib/periods";

import { first, type SearchParams } from "@/lib/search-params";

export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const { scope } = await requireOwner();
  const params = await searchParams;
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  const { period, periods } = choosePeriod(first(params.period), account.timeZone);
  const display: RoomDisplay = first(params.display) === "all" ? "all" : "active";
  const byCode = first(params.sort) === "code";

  const header = (
    <h1 className="sr-only">{t.summary.title}</h1>
  );
  if (!period) {
    return (
      <>
        {header}
        <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href="/account" />
      </>
    );
  }

  const [status, rooms, codes] = await Promise.all([
    getPeriodStatus(scope, period),
    byCode ? undefined : readPage(first(params.page), (slice) => getRoomUsage(scope, period, display, slice), (usage) => usage.count),
    byCode ? getCodeUsage(scope, period) : undefined,
  ]);
  const usage = rooms?.list;
  const page = rooms?.page;
  const query = (p: Record<string, string>) => {
    const q = new URLSearchParams({ period: toUrlPeriod(period), ...(display === "all" ? { display } : {}), ...(byCode ? { sort: "code" } : {}), ...p });
    for (const [k, v] of [...q]) if (v === "") q.delete(k);
    return `?${q}`;
  };
  const roomHref = (number: string) => `/rooms/${number}?period=${toUrlPeriod(period)}`;

  return (
    <>
      {header}
      <PageActions
        download={{ label: t.download.button, href: `/download/account${query({})}` }}
        extra={{ label: t.download.statementButton, href: `/download/statement?period=${toUrlPeriod(period)}` }}
        printLabel={t.download.print}
      />
      <div className="mb-6 max-w-2xl">
        <SummaryBlock title={t.summary.title}>
          <SummaryLine label={t.summary.accountNumber}>
            <span className="num font-semibold">{account.number}</span>
            <StatusBadge invoiced={status === "invoiced"} label={status === "invoiced" ? t.summary.invoiced : t.summary.notInvoiced} />
          </SummaryLine>
          <SummaryLine label={t.summary.companyName}>{account.companyName}</SummaryLine>
          <PeriodControls
            periodLabel={t.summary.billingPeriod}
            periods={periods.map((p) => ({ value: toUrlPeriod(p), label: periodLabel(p, locale) }))}
            period={toUrlPeriod(period)}
            displayLabel={t.summary.roomDisplay}
            displays={[
              { value: "active", label: t.summary.activeRooms },
              { value: "all", label: t.summary.allRooms },
            ]}
            display={display}
            showLabel={t.summary.show}
            sort={byCode ? "code" : undefined}
          />
        </SummaryBlock>
      </div>
      <div className="mb-4">
        <SortSwitch
          options={[
            { label: t.codes.sortByRoom, href: `/account${query({ sort: "" })}`, active: !byCode },
            { label: t.codes.sortByCode, href: `/account${query({ sort: "code" })}`, active: byCode },
          ]}
        />
      </div>
      {codes ? (
        codes.codes.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-5 text-slate-700">{t.summary.noActiveRooms}</p>
        ) : (
          <CodeUsageTable
            labels={{ ...t.summary, ...t.codes, billingCode: t.codes.billingCode }}
            codes={codes.codes.map((c) => ({ ...c, href: `/account/conferences?${new URLSearchParams({ period: toUrlPeriod(period), code: c.code ?? "" })}`, roomHref }))}
            total={codes.total}
            money={account}
          />
        )
      ) : !usage ? null : usage.rows.length === 0 && display === "active" ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-slate-700">
          {t.summary.noActiveRooms}{" "}
          <a href={query({ display: "all" })} className="font-semibold text-brand-700 hover:underline">
            {t.summary.showAllRooms}
          </a>
        </p>
      ) : (
        <>
          <RoomUsageTable
            labels={t.summary}
            rows={usage.rows.map((r) => ({ ...r, href: roomHref(r.number), editHref: `/rooms/${r.number}/auto-code?period=${toUrlPeriod(period)}` }))}
            total={usage.total}
            subtotal={page!.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(usage.rows) } : undefined}
            money={account}
            editLabel={t.codes.edit}
          />
          <Pager page={page!} href={(n) => `/account${query({ page: String(n) })}`} labels={t.paging} />
        </>
      )}
    </>
  );
}
