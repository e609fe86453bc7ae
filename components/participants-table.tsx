import { TotalRow } from "./total-row";
import { formatDuration, formatLocalTime, formatMoney } from "@/lib/format";

type Participant = { name: string; phoneNumber: string; serviceType: string; joinedAt: Date; leftAt: Date; durationS: number; chargeMinor: number; late: boolean };

type Props = {
  labels: { name: string; phoneNumber: string; serviceType: string; joined: string; left: string; duration: string; charge: string; total: string; late: string; lateHint: string; unnamed: string };
  serviceTypes: Record<string, string>;
  participants: Participant[];
  total: { durationS: number; chargeMinor: number };
  account: { timeZone: string; locale: string; currency: string };
  offset: string;
};

const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

/** Name · Phone number · Service type · Joined · Left · Duration · Charge, then Total. */
export function ParticipantsTable({ labels, serviceTypes, participants, total, account, offset }: Props) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
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
        <tbody className="divide-y divide-slate-100">
          {participants.map((p, i) => (
            <tr key={i} className="hover:bg-brand-50">
              <td className="px-3 py-1.5">{p.name || <span className="text-slate-400">{labels.unnamed}</span>}</td>
              <td className="num px-3 py-1.5">{p.phoneNumber}</td>
              <td className="px-3 py-1.5">
                {serviceTypes[p.serviceType] ?? p.serviceType}
                {p.late && (
                  <span title={labels.lateHint} className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-800">
                    {labels.late}
                  </span>
                )}
              </td>
              <td className="num px-3 py-1.5">{formatLocalTime(p.joinedAt, account.timeZone, account.locale, true)}</td>
              <td className="num px-3 py-1.5">{formatLocalTime(p.leftAt, account.timeZone, account.locale, true)}</td>
              <td className="num px-3 py-1.5 text-right">{formatDuration(p.durationS)}</td>
              <td className="num px-3 py-1.5 text-right">{formatMoney(p.chargeMinor, account.currency, account.locale)}</td>
            </tr>
          ))}
        </tbody>
        <TotalRow label={labels.total} span={5} total={total} money={account} />
      </table>
    </div>
  );
}
