import type { ReactNode } from "react";
import { formatRoomNumber } from "@/lib/format";

type Props = { title: string; children: ReactNode };

/** The OAI's header block: a titled list of label/value lines. */
export function SummaryBlock({ title, children }: Props) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2 className="rounded-t-lg border-b border-slate-200 bg-brand-50 px-5 py-2.5 text-sm font-bold uppercase tracking-wide text-brand-900">{title}</h2>
      <dl className="grid grid-cols-1 px-5 py-2 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">{children}</dl>
    </section>
  );
}

export function SummaryLine({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="pt-2 pr-6 font-medium text-slate-600 sm:pb-2">{label}</dt>
      <dd className="pb-2 text-slate-900 sm:pt-2">{children}</dd>
    </>
  );
}

/** A room's number and cardholder: the first lines of a room's summary and of a conference's. */
export function RoomLines({ number, cardholder, labels }: { number: string; cardholder: string; labels: { roomNumber: string; cardholder: string } }) {
  return (
    <>
      <SummaryLine label={labels.roomNumber}>
        <span className="num font-semibold">{formatRoomNumber(number)}</span>
      </SummaryLine>
      <SummaryLine label={labels.cardholder}>{cardholder}</SummaryLine>
    </>
  );
}

export function StatusBadge({ invoiced, label }: { invoiced: boolean; label: string }) {
  return (
    <span
      className={`ml-3 rounded-full px-2.5 py-0.5 text-xs font-semibold ${invoiced ? "bg-slate-200 text-slate-700" : "bg-amber-100 text-amber-800"}`}
      data-testid="period-status"
    >
      {label}
    </span>
  );
}
