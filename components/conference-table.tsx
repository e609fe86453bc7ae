import Link from "next/link";
import type { ConferenceLine } from "@/lib/data/conferences";
import { TotalRow } from "./total-row";
import { formatDuration, formatLocalDate, formatLocalTime, formatMoney, formatRoomNumber, gmtOffset } from "@/lib/format";

export type ConferenceTableLine = ConferenceLine & { href: string };

type Props = {
  labels: { date: string; time: string; quantity: string; serviceType: string; billingCode: string; length: string; accumTime: string; charge: string; total: string; select: string; unallocated: string };
  serviceTypes: Record<string, string>;
  lines: ConferenceTableLine[];
  total: { durationS: number; chargeMinor: number };
  account: { timeZone: string; locale: string; currency: string };
  /** Shows a checkbox per conference, named "conference", for the bulk assignment form around the table. */
  selectable?: boolean;
  /** The room column's header, for lists across rooms. */
  roomColumn?: string;
};

const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

/**
 * Date · Time [GMT±n] · Quantity · Service Type · Billing Code · Length · Accum. Time · Charge: one
 * line per conference and service type. The header gives the zone's offset; when the period spans a
 * summer-time change, each line also shows its own.
 */
export function ConferenceTable({ labels, serviceTypes, lines, total, account, selectable, roomColumn }: Props) {
  const offsets = [...new Set(lines.map((l) => gmtOffset(l.startedAt, account.timeZone)))];
  const mixed = offsets.length > 1;
  const offsetLabel = offsets.length ? offsets.join(" / ") : gmtOffset(new Date(), account.timeZone);
  const firstOfConference = (i: number) => i === 0 || lines[i - 1]!.conferenceId !== lines[i]!.conferenceId;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="w-full border-collapse text-sm" data-testid="conference-list">
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            {selectable && (
              <th scope="col" className={`${th} no-print w-8`}>
                <span className="sr-only">{labels.select}</span>
              </th>
            )}
            {roomColumn && <th scope="col" className={th}>{roomColumn}</th>}
            <th scope="col" className={th}>{labels.date}</th>
            <th scope="col" className={th} data-testid="time-header">{`${labels.time} [${offsetLabel}]`}</th>
            <th scope="col" className={`${th} text-right`}>{labels.quantity}</th>
            <th scope="col" className={th}>{labels.serviceType}</th>
            <th scope="col" className={th}>{labels.billingCode}</th>
            <th scope="col" className={`${th} text-right`}>{labels.length}</th>
            <th scope="col" className={`${th} text-right`}>{labels.accumTime}</th>
            <th scope="col" className={`${th} text-right`}>{labels.charge}</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line, i) => {
            const first = firstOfConference(i);
            return (
              <tr key={`${line.conferenceId}-${line.serviceType}`} className={`hover:bg-brand-50 ${first ? "border-t border-slate-200" : ""}`} data-conference={line.conferenceId}>
                {selectable && (
                  <td className="no-print px-3 py-1.5">
                    {first && (
                      <input type="checkbox" name="conference" value={`${line.conferenceId}:${line.version}`} aria-label={`${labels.select} ${formatLocalDate(line.startedAt, account.timeZone, account.locale)} ${formatLocalTime(line.startedAt, account.timeZone, account.locale)}`} className="h-4 w-4 accent-brand-700" />
                    )}
                  </td>
                )}
                {roomColumn && <td className="num px-3 py-1.5">{formatRoomNumber(line.roomNumber)}</td>}
                <td className="num px-3 py-1.5">
                  <Link href={line.href} className="font-medium text-brand-700 hover:underline">
                    {formatLocalDate(line.startedAt, account.timeZone, account.locale)}
                  </Link>
                </td>
                <td className="num px-3 py-1.5">
                  {formatLocalTime(line.startedAt, account.timeZone, account.locale)}
                  {mixed && <span className="ml-1 text-xs text-slate-500">{gmtOffset(line.startedAt, account.timeZone)}</span>}
                </td>
                <td className="num px-3 py-1.5 text-right">{line.quantity}</td>
                <td className="px-3 py-1.5">{serviceTypes[line.serviceType] ?? line.serviceType}</td>
                <td className="px-3 py-1.5">
                  {line.billingCode ?? (
                    <Link href={`${line.href}#billing-code`} className="font-medium text-amber-700 underline decoration-dotted hover:text-amber-900">
                      {labels.unallocated}
                    </Link>
                  )}
                </td>
                <td className="num px-3 py-1.5 text-right">{formatDuration(line.lengthS)}</td>
                <td className="num px-3 py-1.5 text-right">{formatDuration(line.durationS)}</td>
                <td className="num px-3 py-1.5 text-right">{formatMoney(line.chargeMinor, account.currency, account.locale)}</td>
              </tr>
            );
          })}
        </tbody>
        <TotalRow label={labels.total} span={(selectable ? 1 : 0) + (roomColumn ? 1 : 0) + 6} total={total} money={account} />
      </table>
    </div>
  );
}
