import { TotalRow } from "./total-row";
import { formatDuration, formatLocalTime, formatMoney } from "@/lib/format";
import { html, innerHtml } from "@/lib/html";

type Participant = { name: string; phoneNumber: string; serviceType: string; joinedAt: Date; leftAt: Date; durationS: number; chargeMinor: number; late: boolean };

type Props = {
  labels: { name: string; phoneNumber: string; serviceType: string; joined: string; left: string; duration: string; charge: string; total: string; late: string; lateHint: string; unnamed: string };
  serviceTypes: Record<string, string>;
  participants: Participant[];
  total: { durationS: number; chargeMinor: number };
  account: { timeZone: string; locale: string; currency: string };
  offset: string;
  subtotal?: { label: string; sums: { durationS: number; chargeMinor: number } };
};

const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

/** Name · Phone number · Service type · Joined · Left · Duration · Charge, then Total. */
export function ParticipantsTable({ labels, serviceTypes, participants, total, account, offset, subtotal }: Props) {
  const { timeZone, locale, currency } = account;
  const lineHtml = (p: Participant) =>
    html`<tr>${[
      html`<td>${p.name || html`<span class="muted">${labels.unnamed}</span>`}</td>`,
      html`<td class="t">${p.phoneNumber}</td>`,
      html`<td>${serviceTypes[p.serviceType] ?? p.serviceType}${p.late && html` <span class="late" title="${labels.lateHint}">${labels.late}</span>`}</td>`,
      html`<td class="t">${formatLocalTime(p.joinedAt, timeZone, locale, true)}</td>`,
      html`<td class="t">${formatLocalTime(p.leftAt, timeZone, locale, true)}</td>`,
      html`<td class="n">${formatDuration(p.durationS)}</td>`,
      html`<td class="n">${formatMoney(p.chargeMinor, currency, locale)}</td>`,
    ]}</tr>`;
  return (
    <div className="sticky-ends overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full border-collapse text-sm" data-testid="participants">
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            <th scope="col" className={th}>{labels.name}</th>
            <th scope="col" className={th}>{labels.phoneNumber}</th>
            <th scope="col" className={th}>{labels.serviceType}</th>
            <th scope="col" className={th}>{`${labels.joined} [${offset}]`}</th>
            <th scope="col" className={th}>{`${labels.left} [${offset}]`}</th>
            <th scope="col" className={`${th} text-right`}>{labels.duration}</th>
            <th scope="col" className={`${th} text-right`}>{labels.charge}</th>
          </tr>
        </thead>
        <tbody className="lines divided" dangerouslySetInnerHTML={innerHtml(html`${participants.map(lineHtml)}`)} />
        <TotalRow label={labels.total} span={5} total={total} money={account} subtotal={subtotal} />
      </table>
    </div>
  );
}
