import Link from "next/link";
import { TotalRow } from "./total-row";
import { formatDuration, formatMoney, formatRoomNumber } from "@/lib/format";

export type RoomUsageTableRow = {
  number: string;
  cardholder: string;
  autoBillingCode: string | null;
  durationS: number;
  chargeMinor: number;
  href: string;
  /** Owners: where to change the room's auto billing code. */
  editHref?: string;
};

type Props = {
  labels: { roomNumber: string; cardholder: string; autoBillingCode: string; accumulatedTime: string; charge: string; total: string };
  rows: RoomUsageTableRow[];
  total: { durationS: number; chargeMinor: number };
  money: { currency: string; locale: string };
  editLabel?: string;
};

const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

/** Room Number · Cardholder · Auto Billing Code · Accumulated Time · Charge, then Total. */
export function RoomUsageTable({ labels, rows, total, money, editLabel }: Props) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full border-collapse text-sm" data-testid="room-usage">
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            <th scope="col" className={th}>{labels.roomNumber}</th>
            <th scope="col" className={th}>{labels.cardholder}</th>
            <th scope="col" className={th}>{labels.autoBillingCode}</th>
            <th scope="col" className={`${th} text-right`}>{labels.accumulatedTime}</th>
            <th scope="col" className={`${th} text-right`}>{labels.charge}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.number} className="hover:bg-brand-50">
              <td className="num px-3 py-2 font-medium">{formatRoomNumber(row.number)}</td>
              <td className="px-3 py-2">
                <Link href={row.href} className="font-medium text-brand-700 hover:underline">
                  {row.cardholder}
                </Link>
              </td>
              <td className="px-3 py-2 text-slate-600">
                {row.autoBillingCode}
                {row.editHref && (
                  <Link href={row.editHref} data-action="" className="no-print ml-2 text-xs text-brand-700 hover:underline" aria-label={`${editLabel} ${labels.autoBillingCode} ${row.number}`}>
                    {editLabel}
                  </Link>
                )}
              </td>
              <td className="num px-3 py-2 text-right">{formatDuration(row.durationS)}</td>
              <td className="num px-3 py-2 text-right">{formatMoney(row.chargeMinor, money.currency, money.locale)}</td>
            </tr>
          ))}
        </tbody>
        <TotalRow label={labels.total} span={3} total={total} money={money} />
      </table>
    </div>
  );
}
