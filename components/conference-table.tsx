import type { ConferenceLine } from "@/lib/data/conferences";
import { TotalRow } from "./total-row";
import { formatDuration, formatLocalDate, formatLocalTime, formatMoney, formatRoomNumber, gmtOffset } from "@/lib/format";
import { html, innerHtml } from "@/lib/html";
import { lockedUnallocatedHtml } from "./locked-unallocated";

export type ConferenceTableLine = ConferenceLine & { href: string };

type Props = {
  labels: { date: string; time: string; quantity: string; serviceType: string; billingCode: string; length: string; accumTime: string; charge: string; total: string; select: string; unallocated: string };
  serviceTypes: Record<string, string>;
  lines: ConferenceTableLine[];
  total: { durationS: number; chargeMinor: number };
  account: { timeZone: string; locale: string; currency: string };
  /** Shows a checkbox per conference, named "conference", for the bulk assignment form around the table. */
  selectable?: boolean;
  /** An invoiced month: "Unallocated" is plain text with this reason on hover and focus, not a link to a locked page. */
  lockedReason?: string;
  /** The room column's header, for lists across rooms. */
  roomColumn?: string;
  subtotal?: { label: string; sums: { durationS: number; chargeMinor: number } };
};

// Plain links in long tables: a next/link per line would make every line a client component.
const th = "px-3 py-2.5 text-left text-xs font-bold uppercase tracking-wide text-slate-600";

/**
 * Each conference's link name: its start, its room on a list across rooms, and a number when two
 * start in the same minute (in the same room), so that no two links of a page share a name.
 */
function linkNames(lines: ConferenceTableLine[], { timeZone, locale }: Props["account"], withRoom: boolean): Map<number, string> {
  const names = new Map<number, string>();
  const taken = new Map<string, number>();
  for (const line of lines) {
    if (names.has(line.conferenceId)) continue;
    const at = `${formatLocalDate(line.startedAt, timeZone, locale)} ${formatLocalTime(line.startedAt, timeZone, locale)}`;
    const base = withRoom ? `${at}, ${formatRoomNumber(line.roomNumber)}` : at;
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    names.set(line.conferenceId, n > 1 ? `${base} (${n})` : base);
  }
  return names;
}

/**
 * Date · Time [GMT±n] · Quantity · Service Type · Billing Code · Length · Accum. Time · Charge: one
 * line per conference and service type. The header gives the zone's offset; when the period spans a
 * summer-time change, each line also shows its own.
 */
export function ConferenceTable({ labels, serviceTypes, lines, total, account, selectable, lockedReason, roomColumn, subtotal }: Props) {
  const offsets = [...new Set(lines.map((l) => gmtOffset(l.startedAt, account.timeZone)))];
  const mixed = offsets.length > 1;
  const offsetLabel = offsets.length ? offsets.join(" / ") : gmtOffset(new Date(), account.timeZone);
  const { timeZone, locale, currency } = account;
  const names = linkNames(lines, account, !!roomColumn);
  const lineHtml = (line: ConferenceTableLine, first: boolean) => {
    const date = formatLocalDate(line.startedAt, timeZone, locale);
    const time = formatLocalTime(line.startedAt, timeZone, locale);
    const when = names.get(line.conferenceId)!;
    const box = first && html`<input type="checkbox" name="conference" value="${line.conferenceId}:${line.version}" aria-label="${`${labels.select} ${when}`}" class="h-4 w-4 accent-brand-700">`;
    const code =
      line.billingCode ??
      (lockedReason ? lockedUnallocatedHtml(labels.unallocated, lockedReason, `${line.conferenceId}-${line.serviceType}`) : html`<a href="${`${line.href}#billing-code`}" class="unallocated" aria-label="${`${labels.unallocated} — ${when}`}">${labels.unallocated}</a>`);
    return html`<tr${first && html` class="first"`} data-conference="${line.conferenceId}">${[
      selectable && html`<td class="no-print">${box}</td>`,
      roomColumn && html`<td class="t">${formatRoomNumber(line.roomNumber)}</td>`,
      html`<td class="t"><a href="${line.href}" aria-label="${when}">${date}</a></td>`,
      html`<td class="t">${time}${mixed && html` <span class="muted">${gmtOffset(line.startedAt, timeZone)}</span>`}</td>`,
      html`<td class="n">${line.quantity}</td>`,
      html`<td>${serviceTypes[line.serviceType] ?? line.serviceType}</td>`,
      html`<td>${code}</td>`,
      html`<td class="n">${formatDuration(line.lengthS)}</td>`,
      html`<td class="n">${formatDuration(line.durationS)}</td>`,
      html`<td class="n">${formatMoney(line.chargeMinor, currency, locale)}</td>`,
    ]}</tr>`;
  };
  return (
    <div className="sticky-ends overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
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
        <tbody className="lines" dangerouslySetInnerHTML={innerHtml(html`${lines.map((line, i) => lineHtml(line, i === 0 || lines[i - 1]!.conferenceId !== line.conferenceId))}`)} />
        <TotalRow label={labels.total} span={(selectable ? 1 : 0) + (roomColumn ? 1 : 0) + 6} screenOnly={selectable ? 1 : 0} total={total} money={account} subtotal={subtotal} />
      </table>
    </div>
  );
}
