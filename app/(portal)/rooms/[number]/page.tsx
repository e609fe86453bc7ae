import { notFound } from "next/navigation";
import { PeriodControls } from "@/components/period-controls";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { RoomUsageTable } from "@/components/room-usage-table";
import { StatusBadge, SummaryBlock, SummaryLine } from "@/components/summary-block";
import { requireScope } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getRoomUsage } from "@/lib/data/room-usage";
import { findRoom } from "@/lib/data/rooms";
import { formatRoomNumber } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { choosePeriod, periodLabel, toUrlPeriod } from "@/lib/periods";

type Props = { params: Promise<{ number: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RoomPage({ params, searchParams }: Props) {
  const scope = await requireScope();
  const [{ number }, query] = await Promise.all([params, searchParams]);
  const [room, { locale, t }, account] = await Promise.all([findRoom(scope, number), getMessages(), getAccount(scope)]);
  if (!room) notFound();
  const requested = Array.isArray(query.period) ? query.period[0] : query.period;
  const { period, periods } = choosePeriod(requested, account.timeZone);

  const header = <h1 className="sr-only">{t.room.title}</h1>;
  if (!period) {
    return (
      <>
        {header}
        <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href={`/rooms/${room.number}`} />
      </>
    );
  }
  const roomScope = { ...scope, roomId: room.id };
  const [status, usage] = await Promise.all([getPeriodStatus(scope, period), getRoomUsage(roomScope, period, "all")]);

  return (
    <>
      {header}
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <SummaryBlock title={t.room.title}>
          <SummaryLine label={t.summary.roomNumber}>
            <span className="num font-semibold">{formatRoomNumber(room.number)}</span>
          </SummaryLine>
          <SummaryLine label={t.summary.cardholder}>{room.cardholder}</SummaryLine>
          <PeriodControls
            periodLabel={t.room.billingPeriod}
            periods={periods.map((p) => ({ value: toUrlPeriod(p), label: periodLabel(p, locale) }))}
            period={toUrlPeriod(period)}
            showLabel={t.summary.show}
          />
        </SummaryBlock>
        {!scope.roomId && (
          <SummaryBlock title={t.summary.title}>
            <SummaryLine label={t.summary.accountNumber}>
              <span className="num font-semibold">{account.number}</span>
              <StatusBadge invoiced={status === "invoiced"} label={status === "invoiced" ? t.summary.invoiced : t.summary.notInvoiced} />
            </SummaryLine>
            <SummaryLine label={t.summary.companyName}>{account.companyName}</SummaryLine>
          </SummaryBlock>
        )}
      </div>
      <RoomUsageTable
        labels={t.summary}
        rows={usage.rows.map((r) => ({ ...r, href: `/rooms/${r.number}?period=${toUrlPeriod(period)}` }))}
        total={usage.total}
        money={account}
      />
    </>
  );
}
