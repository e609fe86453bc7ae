"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { budgetTargets } from "@/db/schema";
import { parseAmount, MAX_BUDGET_MINOR, type AmountProblem } from "@/lib/alerts/amount";
import type { AccountScope } from "@/lib/auth/scope";
import { getAccount } from "@/lib/data/account";
import { changeBudget, createBudget, deleteBudget } from "@/lib/data/budgets";
import { formatMoney, minorDigits } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { runOwnerFormAction, type FormState, type Handler, type SchemaFor } from "./form";

/** Every budget action is the account owner's; a room holder's call is answered as for a budget that does not exist. */
const BUDGET = { notFound: (t: Messages) => t.alerts.notFound };
const budgetId = z.number().int().positive();
const noFields = z.object({});

/** Why an amount is refused, in the user's words. */
function amountMessage(t: Messages, problem: AmountProblem, account: { currency: string; locale: string }): string {
  const e = t.alerts.errors;
  const { currency } = account;
  const digits = minorDigits(currency);
  if (problem === "decimals") return digits ? plural(t.lang, digits, e.amountDecimals, { currency }, account.locale) : fill(e.amountNoDecimals, { currency });
  if (problem === "too-large") return fill(e.amountTooLarge, { max: formatMoney(MAX_BUDGET_MINOR, currency, account.locale) });
  return { required: e.amountRequired, text: e.amountText, positive: e.amountPositive }[problem];
}

/** The amount field, in the account's currency, as integer minor units. */
const amountField = (t: Messages, account: { currency: string; locale: string }) =>
  z.string({ message: t.alerts.errors.amountRequired }).transform((value, ctx) => {
    const read = parseAmount(value, account.currency);
    if ("minor" in read) return read.minor;
    ctx.addIssue({ code: "custom", message: amountMessage(t, read.problem, account) });
    return z.NEVER;
  });

const createSchema = async ({ scope, t }: { scope: AccountScope; t: Messages }) => {
  const account = await getAccount(scope);
  const e = t.alerts.errors;
  return z
    .object({
      target: z.enum(budgetTargets, { message: e.target }),
      room: z.string().optional(),
      code: z.string().optional(),
      amount: amountField(t, account),
      notify: z.literal("on").optional(),
    })
    .transform((f, ctx) => {
      const room = f.room?.replace(/\s/g, "") ?? "";
      const code = f.code?.trim() ?? "";
      if (f.target === "room" && !/^\d{6}$/.test(room)) ctx.addIssue({ code: "custom", path: ["room"], message: e.room });
      if (f.target === "code" && !/^[A-Za-z0-9-]{1,20}$/.test(code)) ctx.addIssue({ code: "custom", path: ["code"], message: e.code });
      return { target: f.target, room, code, amountMinor: f.amount, notifyRoomHolder: f.target === "room" && f.notify === "on" };
    });
};

const changeSchema = async ({ scope, t }: { scope: AccountScope; t: Messages }) => z.object({ amount: amountField(t, await getAccount(scope)), notify: z.literal("on").optional() });

/**
 * A budget action as every one runs: the owner's alone (a room holder is answered as for a budget
 * not found), then the alerts page shown again with the change; `change` says what it did.
 */
function runBudgetAction<S extends z.ZodType>(schema: SchemaFor<S, AccountScope>, formData: FormData, change: Handler<z.output<S>, AccountScope>): Promise<FormState> {
  return runOwnerFormAction(
    schema,
    formData,
    async (context) => {
      const outcome = await change(context);
      revalidatePath("/account/alerts");
      return outcome;
    },
    BUDGET,
  );
}

/** *Set budget*: a new budget for the account, a room or a billing code. */
export async function createBudgetAction(_state: FormState, formData: FormData): Promise<FormState> {
  return runBudgetAction(createSchema, formData, async ({ scope, input, t }) => {
    const { label } = await createBudget(scope, input, t);
    return fill(t.alerts.created, { target: label });
  });
}

/** *Change*: a budget's new amount (and, for a room, whether its holder is told). */
export async function changeBudgetAction(id: number, _state: FormState, formData: FormData): Promise<FormState> {
  return runBudgetAction(changeSchema, formData, async ({ scope, input, t }) => {
    const { label } = await changeBudget(scope, budgetId.parse(id), { amountMinor: input.amount, notifyRoomHolder: input.notify === "on" }, t);
    return fill(t.alerts.changed, { target: label });
  });
}

/** *Delete*: the budget and its alert history. */
export async function deleteBudgetAction(id: number, _state: FormState, formData: FormData): Promise<FormState> {
  return runBudgetAction(noFields, formData, async ({ scope, t }) => {
    await deleteBudget(scope, budgetId.parse(id));
    return t.alerts.deleted;
  });
}
