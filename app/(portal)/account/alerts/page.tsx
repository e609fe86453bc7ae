import { AlertHistory, type AlertItem } from "@/components/alert-history";
import { BudgetForm } from "@/components/budget-form";
import { BudgetList, type BudgetItem } from "@/components/budget-list";
import { changeBudgetAction, createBudgetAction, deleteBudgetAction } from "@/lib/actions/budgets";
import { budgetTargetLabel } from "@/lib/alerts/labels";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { alertHistory, listBudgets, type AlertHistoryLine, type BudgetLine } from "@/lib/data/budgets";
import { formatDateTime, formatMoney, formatPercent, minorToDecimal } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill, type Messages } from "@/lib/i18n/messages";
import { pageTitle } from "@/lib/i18n/page-title";
import { periodInSentence } from "@/lib/periods";

export const generateMetadata = () => pageTitle((t) => [t.alerts.title]);

const stateOf = (b: BudgetLine): "under" | "warned" | "over" => (b.spentMinor * 100 >= b.amountMinor * 100 ? "over" : b.spentMinor * 100 >= b.amountMinor * 80 ? "warned" : "under");

/** The owner's spending alerts: set a monthly budget, see each one's spend this month, and the e-mails sent. */
export default async function AlertsPage() {
  const { scope } = await requireOwner();
  const [{ t, locale: lang }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  const [{ period, budgets }, history] = await Promise.all([listBudgets(scope, account.timeZone), alertHistory(scope)]);
  const a = t.alerts;
  const items = budgetItems(budgets, t, account);
  const alerts = alertItems(history, t, account, lang);
  const card = "space-y-4 rounded-lg border border-slate-200 bg-white p-5";
  const { currency, timeZone } = account;
  return (
    <div className="max-w-4xl space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold text-brand-900">{a.title}</h1>
        <p className="text-sm text-slate-600">{fill(a.intro, { zone: timeZone })}</p>
      </div>
      <section className={card} aria-labelledby="create-budget-title">
        <h2 id="create-budget-title" className="text-lg font-semibold text-brand-900">
          {a.create}
        </h2>
        <BudgetForm
          action={createBudgetAction}
          labels={{ target: a.target, targets: a.targets, room: a.room, roomHint: a.roomHint, code: a.code, codeHint: a.codeHint, amount: fill(a.amount, { currency }), amountHint: fill(a.amountHint, { currency }), notify: a.notify, save: a.save, saving: a.saving }}
        />
      </section>
      <section className={card} aria-labelledby="budget-list-title">
        <div className="space-y-1">
          <h2 id="budget-list-title" className="text-lg font-semibold text-brand-900">
            {a.list} — {periodInSentence(period, lang)}
          </h2>
          {budgets.length > 0 && <p className="text-xs text-slate-600">{a.changeNote}</p>}
        </div>
        <BudgetList items={items} period={periodInSentence(period, lang)} currency={currency} t={t} />
      </section>
      <section className={card} aria-labelledby="alert-history-title">
        <div className="space-y-1">
          <h2 id="alert-history-title" className="text-lg font-semibold text-brand-900">
            {a.history}
          </h2>
          <p className="text-xs text-slate-600">{a.historyIntro}</p>
        </div>
        <AlertHistory items={alerts} t={t} />
      </section>
    </div>
  );
}

type Account = { currency: string; locale: string; timeZone: string };
const moneyOf = ({ currency, locale }: Account) => (minor: number) => formatMoney(minor, currency, locale);

/** The budgets as the list shows them, with their Change and Delete actions bound to their ids. */
function budgetItems(budgets: BudgetLine[], t: Messages, account: Account): BudgetItem[] {
  const { currency, locale } = account;
  const money = moneyOf(account);
  // The amount to edit, with the decimal mark the account's locale types.
  const decimalMark = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal")?.value ?? ".";
  return budgets.map((b) => ({
    id: b.id,
    label: budgetTargetLabel(t, b),
    amount: money(b.amountMinor),
    amountInput: minorToDecimal(b.amountMinor, currency).replace(".", decimalMark),
    spent: money(b.spentMinor),
    percent: formatPercent(b.spentMinor, b.amountMinor, locale),
    fill: Math.min(100, Math.floor((b.spentMinor * 100) / b.amountMinor)),
    state: stateOf(b),
    room: b.target === "room",
    notifyRoomHolder: b.notifyRoomHolder,
    change: changeBudgetAction.bind(null, b.id),
    remove: deleteBudgetAction.bind(null, b.id),
  }));
}

/** The alerts as the history shows them, in the account's zone, locale and currency; months in the page's language (`lang`). */
function alertItems(history: AlertHistoryLine[], t: Messages, account: Account, lang: string): AlertItem[] {
  const { locale, timeZone } = account;
  const money = moneyOf(account);
  return history.map((h) => ({
    id: h.id,
    when: formatDateTime(h.createdAt, timeZone, locale),
    label: budgetTargetLabel(t, h.budget),
    threshold: h.threshold,
    covered: h.status === "covered",
    figures: fill(t.alerts.figures, { spent: money(h.spentMinor), budget: money(h.amountMinor), percent: formatPercent(h.spentMinor, h.amountMinor, locale), period: periodInSentence(h.period, lang) }),
    status: h.status,
    deliveries: h.deliveries.map((d) => ({ email: d.email, status: d.status, when: d.sentAt && formatDateTime(d.sentAt, timeZone, locale) })),
  }));
}
