import { fill, type Messages } from "@/lib/i18n/messages";
import type { AlertStatus } from "@/db/schema";

/** An alert as the history shows it, written in the account's locale, currency and zone. */
export type AlertItem = {
  id: number;
  when: string;
  label: string;
  threshold: number;
  covered: boolean;
  figures: string;
  status: AlertStatus;
  deliveries: { email: string; status: "pending" | "sent" | "failed" | "unsubscribed"; when: string | null }[];
};

const tone: Record<string, string> = { sent: "text-emerald-800", unsubscribed: "text-slate-600", failed: "text-red-700", pending: "text-amber-800" };

/** The alerts sent, newest first: when, for which budget, which threshold, the figures, and to whom (with each address's outcome). */
export function AlertHistory({ items, t }: { items: AlertItem[]; t: Messages }) {
  const a = t.alerts;
  if (!items.length) return <p className="text-sm text-slate-600">{a.noHistory}</p>;
  return (
    <ol className="divide-y divide-slate-200" data-testid="alert-history">
      {items.map((item) => (
        <li key={item.id} className="space-y-1 py-3 text-sm" data-testid="alert">
          <p className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <span className="font-semibold text-slate-900">{item.covered ? a.thresholdCovered : fill(a.threshold, { threshold: item.threshold })}</span>
            <span className="text-slate-700">{item.label}</span>
            <span className="text-slate-600">{item.when}</span>
          </p>
          <p className="tabular-nums text-slate-700">{item.figures}</p>
          {item.covered ? null : item.deliveries.length ? (
            <div className="text-slate-700">
              <p>{a.recipients}</p>
              <ul className="ml-4 list-disc">
                {item.deliveries.map((d) => (
                  <li key={d.email}>
                    <span className="break-all">{d.email}</span> <span className={`whitespace-nowrap ${tone[d.status]}`}>({fill(a.deliveryStatus[d.status], { when: d.when ?? "" })})</span>
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="text-slate-600">{a.alertStatus[item.status]}</p>
          )}
        </li>
      ))}
    </ol>
  );
}
