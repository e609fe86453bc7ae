import type { AccountInfo } from "@/lib/data/account";
import type { RoomDisplay } from "@/lib/data/room-usage";
import type { Messages } from "@/lib/i18n/messages";
import type { Period } from "@/lib/periods";
import { PeriodSelect } from "./period-select";
import { StatusBadge, SummaryBlock, SummaryLine } from "./summary-block";

type Props = {
  t: Messages;
  locale: string;
  account: AccountInfo;
  invoiced: boolean;
  periods: Period[];
  period: Period;
  display: RoomDisplay;
  byCode: boolean;
};

/** The account summary's header block: account, company, and the period and room display chosen. */
export function AccountSummary({ t, locale, account, invoiced, periods, period, display, byCode }: Props) {
  return (
    <SummaryBlock title={t.summary.title}>
      <SummaryLine label={t.summary.accountNumber}>
        <span className="num font-semibold">{account.number}</span>
        <StatusBadge invoiced={invoiced} label={invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </SummaryLine>
      <SummaryLine label={t.summary.companyName}>{account.companyName}</SummaryLine>
      <PeriodSelect
        label={t.summary.billingPeriod}
        periods={periods}
        period={period}
        locale={locale}
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
  );
}
