import Link from "next/link";
import type { AccountInfo } from "@/lib/data/account";
import type { RoomHeader } from "@/lib/data/rooms";
import type { Messages } from "@/lib/i18n/messages";
import { toUrlPeriod, type Period } from "@/lib/periods";
import { PeriodSelect } from "./period-select";
import { RoomLines, StatusBadge, SummaryBlock, SummaryLine } from "./summary-block";

type Props = { t: Messages; locale: string; room: RoomHeader; periods: Period[]; period: Period; conferences: number; invoiced: boolean };

/** The room page's header block: the room, the period chosen, its conferences and whether it is invoiced. */
export function RoomSummary({ t, locale, room, periods, period, conferences, invoiced }: Props) {
  return (
    <SummaryBlock title={t.room.title}>
      <RoomLines number={room.number} cardholder={room.cardholder} labels={t.summary} />
      <PeriodSelect label={t.room.billingPeriod} periods={periods} period={period} locale={locale} showLabel={t.summary.show} />
      <SummaryLine label={t.codes.conferences}>
        <span className="num">{conferences}</span>
        <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </SummaryLine>
    </SummaryBlock>
  );
}

/** Beside it, for the account's owner: the account, the room's auto billing code, the way back to the summary. */
export function RoomAccountSummary({ t, account, room, period }: { t: Messages; account: AccountInfo; room: RoomHeader; period: Period }) {
  return (
    <SummaryBlock title={t.summary.title}>
      <SummaryLine label={t.summary.accountNumber}>
        <span className="num font-semibold">{account.number}</span>
      </SummaryLine>
      <SummaryLine label={t.summary.companyName}>{account.companyName}</SummaryLine>
      <SummaryLine label={t.codes.autoCode}>{room.autoBillingCode ?? "—"}</SummaryLine>
      <dd className="pb-2 sm:col-span-2">
        <Link href={`/account?period=${toUrlPeriod(period)}`} className="no-print text-sm font-medium text-brand-700 hover:underline">
          ← {t.room.backToAccount}
        </Link>
      </dd>
    </SummaryBlock>
  );
}
