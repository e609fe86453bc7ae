import { BudgetChangeForm } from "@/components/budget-form";
import { ActionButton } from "@/components/schedule-buttons";
import type { FormState } from "@/lib/actions/form";
import { fill, type Messages } from "@/lib/i18n/messages";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/** A budget as the list shows it: its words and figures already written in the account's locale and currency. */
export type BudgetItem = {
  id: number;
  label: string;
  amount: string;
  /** The amount as the change form shows it to edit ("250,00"). */
  amountInput: string;
  spent: string;
  percent: string;
  /** 0–100, for the bar. */
  fill: number;
  state: "under" | "warned" | "over";
  room: boolean;
  notifyRoomHolder: boolean;
  change: Action;
  remove: Action;
};

const badge = { under: "bg-slate-100 text-slate-700", warned: "bg-amber-100 text-amber-900", over: "bg-red-100 text-red-800" };
const bar = { under: "fill-brand-500", warned: "fill-amber-500", over: "fill-red-600" };

/** The account's budgets: what each is for, the month's spend against it, its state; Change and Delete. */
export function BudgetList({ items, period, currency, t }: { items: BudgetItem[]; period: string; currency: string; t: Messages }) {
  const a = t.alerts;
  if (!items.length) return <p className="text-sm text-slate-600">{a.none}</p>;
  return (
    <ul className="divide-y divide-slate-200" data-testid="budgets">
      {items.map((b) => (
        <li key={b.id} className="space-y-3 py-4" data-testid="budget">
          <div className="flex flex-wrap items-start justify-between gap-2">
            <h3 className="min-w-0 font-semibold text-slate-900">{b.label}</h3>
            <span className={`rounded px-2 py-0.5 text-xs font-semibold ${badge[b.state]}`} data-testid="budget-state">
              {a.state[b.state]}
            </span>
          </div>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm sm:grid-cols-[auto_1fr_auto_1fr_auto_1fr]">
            <dt className="text-slate-600">{a.budget}</dt>
            <dd className="font-medium tabular-nums text-slate-900" data-testid="budget-amount-shown">
              {b.amount}
            </dd>
            <dt className="text-slate-600">{fill(a.spentIn, { period })}</dt>
            <dd className="font-medium tabular-nums text-slate-900" data-testid="budget-spent">
              {b.spent}
            </dd>
            <dt className="text-slate-600">{a.used}</dt>
            <dd className="font-medium tabular-nums text-slate-900" data-testid="budget-percent">
              {b.percent}
            </dd>
          </dl>
          {/* An SVG bar: its width is an attribute, not an inline style (the page's CSP allows none). */}
          <svg className="block h-2 w-full rounded" role="img" aria-label={fill(a.usedBar, { percent: b.percent })} data-testid="budget-bar">
            <rect width="100%" height="100%" className="fill-slate-200" />
            <rect width={`${b.fill}%`} height="100%" className={bar[b.state]} />
          </svg>
          {b.room && b.notifyRoomHolder && <p className="text-xs text-slate-600">{a.notifiesHolder}</p>}
          <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
            <BudgetChangeForm
              action={b.change}
              idPrefix={`budget-${b.id}`}
              amount={b.amountInput}
              notify={b.notifyRoomHolder}
              room={b.room}
              labels={{ amount: fill(a.newAmount, { currency }), notify: a.notify, change: a.change, changeLabel: fill(a.changeLabel, { target: b.label }), saving: a.saving }}
            />
            <ActionButton action={b.remove} label={a.delete} danger confirm={fill(a.deleteConfirm, { target: b.label })} ariaLabel={fill(a.deleteLabel, { target: b.label })} testId="delete-budget" />
          </div>
        </li>
      ))}
    </ul>
  );
}
