import { TotalRow } from "./total-row";
import { formatDuration, formatMoney, formatRoomNumber } from "@/lib/format";
import { html, innerHtml, type SafeHtml } from "@/lib/html";

type RoomUsageTableRow = {
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
  subtotal?: { label: string; sums: { durationS: number; chargeMinor: number } };
};

// Plain links in long tables: a next/link per line would make every line a client component.
const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

function lineHtml(row: RoomUsageTableRow, money: Props["money"], editLabel = ""): SafeHtml {
  const edit = row.editHref && html`<a href="${row.editHref}" class="edit" aria-label="${`${editLabel} ${formatRoomNumber(row.number)}`}" data-action>${editLabel}</a>`;
  return html`<tr>${[
    html`<td class="t">${formatRoomNumber(row.number)}</td>`,
    html`<td><a href="${row.href}">${row.cardholder}</a></td>`,
    html`<td>${row.autoBillingCode ?? ""}${edit}</td>`,
    html`<td class="n">${formatDuration(row.durationS)}</td>`,
    html`<td class="n">${formatMoney(row.chargeMinor, money.currency, money.locale)}</td>`,
  ]}</tr>`;
}

/** Room Number · Cardholder · Auto Billing Code · Accumulated Time · Charge, then Total. */
export function RoomUsageTable({ labels, rows, total, money, editLabel, subtotal }: Props) {
  return (
    <div className="sticky-ends overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
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
        <tbody className="lines divided" dangerouslySetInnerHTML={innerHtml(html`${rows.map((row) => lineHtml(row, money, editLabel))}`)} />
        <TotalRow label={labels.total} span={3} total={total} money={money} subtotal={subtotal} />
      </table>
    </div>
  );
}
