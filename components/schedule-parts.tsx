import Link from "next/link";
import type { ReactNode } from "react";

const statusClass: Record<string, string> = {
  delivered: "bg-emerald-100 text-emerald-900",
  partial: "bg-amber-100 text-amber-900",
  failed: "bg-red-100 text-red-800",
  pending: "bg-slate-100 text-slate-700",
  running: "bg-brand-100 text-brand-900",
  unsubscribed: "bg-amber-100 text-amber-900",
  cancelled: "bg-slate-200 text-slate-700",
};

/** A run's or a delivery's status, in its colour. */
export function RunStatus({ status, label }: { status: string; label: string }) {
  return <span className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${statusClass[status] ?? ""}`}>{label}</span>;
}

/** The head row of a schedule table: its column titles (an empty one for a column of buttons). */
export function ScheduleTableHead({ columns, className, cellClassName }: { columns: string[]; className: string; cellClassName: string }) {
  return (
    <thead className={className}>
      <tr>
        {columns.map((c, i) => (
          <th key={i} className={cellClassName}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** What just happened (saved, cancelled), in green above the page. */
export function Notice({ testId, children }: { testId?: string; children: ReactNode }) {
  return (
    <p role="status" data-testid={testId} className="rounded border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
      {children}
    </p>
  );
}

/** The way back to the schedules list. */
export function BackLink({ label, className = "" }: { label: string; className?: string }) {
  return (
    <Link href="/reports/schedules" className={`${className} inline-block text-sm font-medium text-brand-700 hover:underline`.trim()}>
      ← {label}
    </Link>
  );
}

/** A server's or driver's own text, folded under "Technical detail" below the customer's words. */
export function TechnicalDetail({ label, text }: { label: string; text: string }) {
  return (
    <details className="text-xs text-slate-600">
      <summary className="cursor-pointer select-none">{label}</summary>
      <code className="wrap-anywhere block whitespace-pre-wrap">{text}</code>
    </details>
  );
}
