import Link from "next/link";
import { notFound } from "next/navigation";
import { BillingCodeForm } from "@/components/billing-code-form";
import { ConferenceTable } from "@/components/conference-table";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { Pager } from "@/components/pager";
import { StatusBadge } from "@/components/summary-block";
import { assignSelectedCodes } from "@/lib/actions/billing-codes";
import { requireOwner } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConferenceLines } from "@/lib/data/conferences";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { readPage, subtotal } from "@/lib/paging";
import { choosePeriod, periodLabel, toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";

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
  const table = (
    <ConferenceTable
      labels={{ ...t.room, unallocated: t.codes.unallocated }}
      serviceTypes={t.serviceTypes}
      lines={list.lines.map((l) => ({ ...l, href: `/rooms/${l.roomNumber}/conferences/${l.conferenceId}` }))}
      total={list.total}
      account={account}
      selectable={!invoiced && list.lines.length > 0}
      roomColumn={t.summary.roomNumber}
      subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(list.lines) } : undefined}
    />
  );
  const pager = <Pager page={page} href={(n) => `/account/conferences?${new URLSearchParams({ period: toUrlPeriod(period), code, page: String(n) })}`} labels={t.paging} />;
  return (
    <>
      <Link href={`/account?period=${toUrlPeriod(period)}&sort=code`} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
        ← {t.codes.sortByCode}
      </Link>
      <h1 className="mb-1 flex items-center text-xl font-semibold text-brand-900">
        {code ? fill(t.codes.codeConferencesTitle, { code }) : t.codes.unallocatedConferencesTitle}
        <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </h1>
      <p className="mb-5 text-sm text-slate-600">
        {periodLabel(period, locale)} · {fill(t.room.conferencesCount, { count: list.conferences })}
      </p>
      {list.lines.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-5 text-slate-700">{t.summary.noActiveRooms}</p>
      ) : invoiced ? (
        <>
          {table}
          {pager}
        </>
      ) : (
        <BillingCodeForm action={assignSelectedCodes} labels={{ billingCode: t.room.assignSelected, submit: t.codes.assign, hint: t.codes.hint }} suggestions={suggestions} compact>
          <div className="w-full">
            {table}
            {pager}
          </div>
        </BillingCodeForm>
      )}
    </>
  );
}
