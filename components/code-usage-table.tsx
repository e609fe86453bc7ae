import { formatDuration, formatMoney, formatRoomNumber } from "@/lib/format";
import { LockedUnallocated } from "./locked-unallocated";

type RoomLine = { number: string; cardholder: string; conferences: number; durationS: number; chargeMinor: number };
type CodeLine = {
  code: string | null;
  conferences: number;
  durationS: number;
  chargeMinor: number;
  rooms: RoomLine[];
  href: string;
  roomHref: (number: string) => string;
  /** Unallocated in an open month: the way to the month-end clean-up. */
  cleanup?: { href: string; label: string };
};

type Props = {
  labels: { billingCode: string; unallocated: string; conferences: string; accumulatedTime: string; charge: string; total: string; rooms: string; viewConferences: string };
  codes: CodeLine[];
  total: { conferences: number; durationS: number; chargeMinor: number };
  money: { currency: string; locale: string };
  /** An invoiced month: "Unallocated" in plain text, with this reason on hover and focus. */
  lockedReason?: string;
};

/** Totals per billing code, Unallocated first; each opens (details/summary, no script) to its rooms. */
export function CodeUsageTable({ labels, codes, total, money, lockedReason }: Props) {
  // On a phone the code takes a line of its own, its three figures under it.
  const cols = "grid grid-cols-3 items-center gap-x-4 sm:grid-cols-[minmax(10rem,1fr)_8rem_9rem_9rem]";
  const first = "col-span-3 sm:col-span-1";
  const amount = (minor: number) => formatMoney(minor, money.currency, money.locale);
  return (
    <div className="rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
      <div data-testid="code-usage">
        <div className={`${cols} border-b border-slate-200 bg-slate-50 px-4 py-2.5 text-xs font-bold uppercase tracking-wide text-slate-600`}>
          <span className={first}>{labels.billingCode}</span>
          <span className="text-right">{labels.conferences}</span>
          <span className="text-right">{labels.accumulatedTime}</span>
          <span className="text-right">{labels.charge}</span>
        </div>
        {codes.map((c) => (
          <details key={c.code ?? ""} className="group border-b border-slate-100" data-code={c.code ?? ""}>
            <summary className={`${cols} cursor-pointer list-none px-4 py-2 hover:bg-brand-50`}>
              <span className={`${first} font-medium`}>
                <span aria-hidden="true" className="no-print mr-2 inline-block text-slate-400 transition group-open:rotate-90">▸</span>
                {c.code ?? (lockedReason ? <LockedUnallocated label={labels.unallocated} reason={lockedReason} id="code-usage" /> : <span className="text-amber-700">{labels.unallocated}</span>)}
              </span>
              <span className="num text-right">{c.conferences}</span>
              <span className="num text-right">{formatDuration(c.durationS)}</span>
              <span className="num text-right">{amount(c.chargeMinor)}</span>
            </summary>
            <div className="bg-slate-50/60 pb-2">
              {c.rooms.map((r) => (
                <div key={r.number} className={`${cols} px-4 py-1.5 text-slate-700`}>
                  <span className={`${first} pl-6`}>
                    <span className="num mr-2">{formatRoomNumber(r.number)}</span>
                    <a href={c.roomHref(r.number)} className="text-brand-700 hover:underline">
                      {r.cardholder}
                    </a>
                  </span>
                  <span className="num text-right">{r.conferences}</span>
                  <span className="num text-right">{formatDuration(r.durationS)}</span>
                  <span className="num text-right">{amount(r.chargeMinor)}</span>
                </div>
              ))}
              <a href={c.href} className="no-print ml-10 mt-1 inline-block text-sm font-medium text-brand-700 hover:underline">
                {labels.viewConferences} →
              </a>
              {c.cleanup && (
                <a href={c.cleanup.href} className="no-print ml-6 mt-1 inline-block text-sm font-medium text-amber-800 hover:underline" data-testid="cleanup-link">
                  {c.cleanup.label} →
                </a>
              )}
            </div>
          </details>
        ))}
        <div className={`${cols} border-t-2 border-slate-300 bg-slate-50 px-4 py-2.5 font-semibold`} data-testid="total">
          <span className={`${first} sm:text-right`}>{labels.total}</span>
          <span className="num text-right">{total.conferences}</span>
          <span className="num text-right">{formatDuration(total.durationS)}</span>
          <span className="num text-right">{amount(total.chargeMinor)}</span>
        </div>
      </div>
    </div>
  );
}
