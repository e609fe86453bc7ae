import "server-only";
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { accounts, scheduleRuns, type ScheduleRun } from "@/db/schema";
import type { AccountScope } from "@/lib/auth/scope";
import { getSchedule, listSchedules, scheduleHistory, unsubscribedAddresses } from "@/lib/schedules/schedules";

/** The schedules page: the account's schedules and the addresses that unsubscribed. */
export async function getSchedulesOverview(scope: AccountScope) {
  const db = await getDb();
  const [schedules, unsubscribed] = await Promise.all([listSchedules(db, scope), unsubscribedAddresses(db, scope)]);
  return { schedules, unsubscribed };
}

/** One schedule and its history; NotFoundError when it is not the account's. */
export async function getScheduleWithHistory(scope: AccountScope, id: number) {
  const db = await getDb();
  return Promise.all([getSchedule(db, scope, id), scheduleHistory(db, scope, id)]);
}

/** The run a signed report link names (the link is the authorization: no session). */
export async function getLinkedRun(target: { accountId: number; runId: number }): Promise<ScheduleRun | undefined> {
  const [run] = await (await getDb()).select().from(scheduleRuns).where(and(eq(scheduleRuns.accountId, target.accountId), eq(scheduleRuns.id, target.runId)));
  return run;
}

/** The account an unsubscribe link names, for the page to say which reports stop. */
export async function getUnsubscribeAccount(accountId: number): Promise<{ number: string; companyName: string } | undefined> {
  const [account] = await (await getDb()).select({ number: accounts.number, companyName: accounts.companyName }).from(accounts).where(eq(accounts.id, accountId));
  return account;
}
