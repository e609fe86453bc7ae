import type { AccountInfo } from "@/lib/data/account";
import { formatMoney } from "@/lib/format";
import type { RoomDisplay } from "@/lib/data/room-usage";
import type { Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import type { Period } from "@/lib/periods";
import { LockedUnallocated } from "./locked-unallocated";
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
  /** The period's unallocated conferences and their charge. */
  unallocated: { conferences: number; chargeMinor: number };
  /** The month-end clean-up of the period. */
  cleanupHref: string;
};

/** The account summary's header block: account, company, and the period and room display chosen. */
export function AccountSummary({ t, locale, account, invoiced, periods, period, display, byCode, unallocated, cleanupHref }: Props) {
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
      <SummaryLine label={t.cleanup.summaryLabel}>
        <UnallocatedLine t={t} account={account} invoiced={invoiced} unallocated={unallocated} cleanupHref={cleanupHref} />
      </SummaryLine>
    </SummaryBlock>
  );
}

/** How many conferences have no code yet: in an open month with the way to clean them up, in an invoiced one as plain text with the reason. */
function UnallocatedLine({ t, account, invoiced, unallocated, cleanupHref }: Pick<Props, "t" | "account" | "invoiced" | "unallocated" | "cleanupHref">) {
  if (unallocated.conferences === 0) return <span data-testid="unallocated-summary">{t.cleanup.summaryNone}</span>;
  const text = plural(t.lang, unallocated.conferences, t.cleanup.summaryCount, { charge: formatMoney(unallocated.chargeMinor, account.currency, account.locale) }, account.locale);
  if (invoiced) {
    return (
      <span data-testid="unallocated-summary">
        <LockedUnallocated label={text} reason={t.cleanup.lockedReason} id="summary" />
      </span>
    );
  }
  return (
    <span className="flex flex-wrap items-baseline gap-x-3" data-testid="unallocated-summary">
      <span className="font-semibold tabular-nums text-amber-800">{text}</span>
      <a href={cleanupHref} className="no-print text-sm font-semibold text-brand-700 hover:underline" data-testid="cleanup-link">
        {t.cleanup.cleanUp} →
      </a>
    </span>
  );
}
