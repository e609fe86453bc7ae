import type { BudgetTarget } from "@/db/schema";
import { formatRoomNumber } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";

/** What a budget is for, as pages and messages name it: "The whole account", "Room 33 270 3 — Marilene BALLESTER", "Billing code SALES". */
export function budgetTargetLabel(t: Messages, b: { target: BudgetTarget; roomNumber: string | null; cardholder: string | null; billingCode: string | null }): string {
  if (b.target === "room") return fill(t.alerts.roomTarget, { room: formatRoomNumber(b.roomNumber ?? ""), cardholder: b.cardholder ?? "" });
  if (b.target === "code") return fill(t.alerts.codeTarget, { code: b.billingCode ?? "" });
  return t.alerts.accountTarget;
}
