import "server-only";
import { and, eq } from "drizzle-orm";
import { cache } from "react";
import { getReadDb } from "@/lib/read-your-writes";
import { accounts, billingPeriods } from "@/db/schema";
import type { Scope } from "@/lib/auth/scope";
import type { Period } from "@/lib/periods";

export type AccountInfo = {
  number: string;
  companyName: string;
  currency: string;
  locale: string;
  timeZone: string;
  supportPhone: string;
};

/** The scope's account (a room holder sees their room's account header, as in the OAI). */
export const getAccount = cache(async (scope: Scope): Promise<AccountInfo> => {
  const db = await getReadDb();
  const [account] = await db
    .select({
      number: accounts.number,
      companyName: accounts.companyName,
      currency: accounts.currency,
      locale: accounts.locale,
      timeZone: accounts.timeZone,
      supportPhone: accounts.supportPhone,
    })
    .from(accounts)
    .where(eq(accounts.id, scope.accountId));
  if (!account) throw new Error(`account ${scope.accountId} of a valid session is missing`);
  return account;
});

export type PeriodStatus = "invoiced" | "open";

export async function getPeriodStatus(scope: Scope, period: Period): Promise<PeriodStatus> {
  const db = await getReadDb();
  const [row] = await db
    .select({ status: billingPeriods.status })
    .from(billingPeriods)
    .where(and(eq(billingPeriods.accountId, scope.accountId), eq(billingPeriods.period, period)));
  return row?.status ?? "open";
}
