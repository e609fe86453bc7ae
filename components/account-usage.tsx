import type { CodeUsage } from "@/lib/data/code-usage";
import type { RoomUsage } from "@/lib/data/room-usage";
import type { Messages } from "@/lib/i18n/messages";
import { subtotal, type PageSlice } from "@/lib/paging";
import { toUrlPeriod, type Period } from "@/lib/periods";
import { CodeUsageTable } from "./code-usage-table";
import { Pager } from "./pager";
import { RoomUsageTable } from "./room-usage-table";

type Money = { currency: string; locale: string };

const empty = "rounded-lg border border-slate-200 bg-white p-5 text-slate-700";
const roomHref = (period: Period, number: string) => `/rooms/${number}?period=${toUrlPeriod(period)}`;

type RoomProps = {
  t: Messages;
  usage: RoomUsage;
  page: PageSlice;
  period: Period;
  money: Money;
  /** No room had usage in the period: the way to every room instead. */
  showAllHref?: string;
  pageHref: (page: number) => string;
};

/** The account summary by room: a page of rooms with their time and charge, the total of all. */
export function RoomUsageSection({ t, usage, page, period, money, showAllHref, pageHref }: RoomProps) {
  if (usage.rows.length === 0 && showAllHref) {
    return (
      <p className={empty}>
        {t.summary.noActiveRooms}{" "}
        <a href={showAllHref} className="font-semibold text-brand-700 hover:underline">
          {t.summary.showAllRooms}
        </a>
      </p>
    );
  }
  return (
    <>
      <RoomUsageTable
        labels={t.summary}
        rows={usage.rows.map((r) => ({ ...r, href: roomHref(period, r.number), editHref: `/rooms/${r.number}/auto-code?period=${toUrlPeriod(period)}` }))}
        total={usage.total}
        subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(usage.rows) } : undefined}
        money={money}
        editLabel={t.codes.edit}
      />
      <Pager page={page} href={pageHref} labels={t.paging} locale={money.locale} />
    </>
  );
}

type CodeProps = { t: Messages; codes: { codes: CodeUsage[]; total: { conferences: number; durationS: number; chargeMinor: number } }; period: Period; money: Money; invoiced: boolean };

/** The month-end clean-up of a period. */
export const cleanupHref = (period: Period) => `/account/unallocated?period=${toUrlPeriod(period)}`;

/** The account summary by billing code, Unallocated first; each code opens to its conferences (Unallocated, in an open month, also to the clean-up). */
export function CodeUsageSection({ t, codes, period, money, invoiced }: CodeProps) {
  if (codes.codes.length === 0) return <p className={empty}>{t.summary.noActiveRooms}</p>;
  return (
    <CodeUsageTable
      labels={{ ...t.summary, ...t.codes, billingCode: t.codes.billingCode }}
      codes={codes.codes.map((c) => ({
        ...c,
        href: `/account/conferences?${new URLSearchParams({ period: toUrlPeriod(period), code: c.code ?? "" })}`,
        roomHref: (number: string) => roomHref(period, number),
        cleanup: c.code === null && !invoiced ? { href: cleanupHref(period), label: t.cleanup.cleanUp } : undefined,
      }))}
      total={codes.total}
      money={money}
      lockedReason={invoiced ? t.cleanup.lockedReason : undefined}
    />
  );
}
