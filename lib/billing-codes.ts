import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Transaction } from "@/db/client";
import { rows } from "@/db/rows";
import { billingPeriods, conferences, rooms } from "@/db/schema";
import { assertOwner, roomFilter, type AccountScope, type Scope } from "@/lib/auth/scope";
import { audit } from "@/lib/audit";
import { conferencesWhere, type UnallocatedFilter } from "@/lib/data/conference-queries";
import { ConflictError, LockedError, NotFoundError } from "@/lib/errors";
import type { Period } from "@/lib/periods";
import { shiftRollups } from "@/lib/usage/rollups";

/** A billing code: 1–20 letters, digits or hyphens, trimmed, case kept. */
export const billingCodeSchema = z
  .string()
  .trim()
  .min(1, "empty")
  .pipe(z.string().max(20, "tooLong").regex(/^[A-Za-z0-9-]+$/, "characters"));

export type ConferenceVersion = { id: number; version: number };

/** Gives locked conferences a code, moving their usage between the rollups' code buckets. */
async function recode(tx: Transaction, scope: Scope, ids: number[], code: string, source: "assigned" | "auto") {
  // One array parameter, not one per id: "select all" may take tens of thousands of conferences.
  const idList = sql`any(${sql.param(ids)}::bigint[])`;
  const these = sql`c.account_id = ${scope.accountId} and c.id = ${idList}`;
  await shiftRollups(tx, -1, these);
  await tx
    .update(conferences)
    .set({ billingCode: code, billingCodeSource: source, billingCodeSetBy: scope.userId, billingCodeSetAt: sql`now()`, version: sql`${conferences.version} + 1` })
    .where(and(eq(conferences.accountId, scope.accountId), sql`${conferences.id} = ${idList}`));
  await shiftRollups(tx, 1, these);
}

/**
 * Holds the months' invoicing status until the transaction ends and returns the invoiced ones.
 * Support's closing of a month updates its row, so it waits for a change under way, and a change
 * waits for a closing under way and then sees it. A month without a row (not invoiced) gets an
 * open one first: with nothing to lock, a closing could commit between the check and the write.
 */
async function invoicedMonths(tx: Transaction, accountId: number, periods: string[]): Promise<Set<string>> {
  const months = [...new Set(periods)].sort();
  if (!months.length) return new Set();
  await tx.insert(billingPeriods).values(months.map((period) => ({ accountId, period }))).onConflictDoNothing();
  const rows = await tx
    .select({ period: billingPeriods.period, status: billingPeriods.status })
    .from(billingPeriods)
    .where(and(eq(billingPeriods.accountId, accountId), inArray(billingPeriods.period, months)))
    .orderBy(billingPeriods.period)
    .for("share");
  return new Set(rows.filter((r) => r.status === "invoiced").map((r) => r.period));
}

/** Locks the conferences of the scope and refuses the change when one is invoiced or was changed since it was shown. */
async function lockForChange(tx: Transaction, scope: Scope, expected: ConferenceVersion[]) {
  const ids = expected.map((c) => c.id);
  const rows = await tx
    .select({
      id: conferences.id,
      version: conferences.version,
      billingCode: conferences.billingCode,
      billingCodeSource: conferences.billingCodeSource,
      period: conferences.period,
    })
    .from(conferences)
    .where(and(eq(conferences.accountId, scope.accountId), inArray(conferences.id, ids), roomFilter(scope, conferences.roomId)))
    .orderBy(conferences.id)
    .for("update");
  if (rows.length !== new Set(ids).size) throw new NotFoundError("conference not found");
  if ((await invoicedMonths(tx, scope.accountId, rows.map((r) => r.period))).size) throw new LockedError("invoiced");
  const changed = rows.filter((r) => r.version !== expected.find((e) => e.id === r.id)!.version);
  if (changed.length) throw new ConflictError("changed", changed.map((c) => c.id));
  return rows;
}

/**
 * Assigns one code to one or several conferences, atomically: all of them or none. Each change
 * is audited with the code before and after; the rollups move with it.
 */
export async function assignBillingCode(db: Database, scope: Scope, expected: ConferenceVersion[], rawCode: string) {
  const code = billingCodeSchema.parse(rawCode);
  if (!expected.length) throw new NotFoundError("no conference selected");
  try {
    return await applyAssignment(db, scope, expected, code);
  } catch (error) {
    // The refused attempt is part of what happened: record it (outside the rolled-back transaction).
    if (error instanceof ConflictError) {
      await audit(db, { accountId: scope.accountId, actorUserId: scope.userId, action: "billing-code.refused", subject: error.ids.map((id) => `conference ${id}`).join(", "), after: { code, reason: "changed since shown" } });
    }
    throw error;
  }
}

async function applyAssignment(db: Database, scope: Scope, expected: ConferenceVersion[], code: string) {
  return db.transaction(async (tx) => {
    const before = await lockForChange(tx, scope, expected);
    const ids = before.map((r) => r.id);
    await recode(tx, scope, ids, code, "assigned");
    for (const row of before) {
      await audit(tx, {
        accountId: scope.accountId,
        actorUserId: scope.userId,
        action: "billing-code.assigned",
        subject: `conference ${row.id}`,
        before: { code: row.billingCode, source: row.billingCodeSource },
        after: { code, source: "assigned" },
      });
    }
    return { code, count: ids.length };
  });
}

/**
 * Sets a room's auto billing code (or clears it with null); on request also gives it to the room's
 * unallocated conferences of every period not yet invoiced. Owners only.
 */
export async function setAutoBillingCode(db: Database, scope: AccountScope, roomNumber: string, rawCode: string | null, applyToUnallocated: boolean) {
  assertOwner(scope, "room");
  const code = rawCode === null ? null : billingCodeSchema.parse(rawCode);
  return db.transaction(async (tx) => {
    const [room] = await tx
      .select({ id: rooms.id, autoBillingCode: rooms.autoBillingCode })
      .from(rooms)
      .where(and(eq(rooms.accountId, scope.accountId), eq(rooms.number, roomNumber)))
      .for("update");
    if (!room) throw new NotFoundError("room not found");
    await tx.update(rooms).set({ autoBillingCode: code }).where(and(eq(rooms.accountId, scope.accountId), eq(rooms.id, room.id)));
    await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "auto-billing-code.set", subject: `room ${roomNumber}`, before: { code: room.autoBillingCode }, after: { code } });
    let applied = 0;
    if (code && applyToUnallocated) {
      const unallocated = await tx
        .select({ id: conferences.id, period: conferences.period })
        .from(conferences)
        .where(and(eq(conferences.accountId, scope.accountId), eq(conferences.roomId, room.id), isNull(conferences.billingCode)))
        .orderBy(conferences.id)
        .for("update");
      const invoiced = await invoicedMonths(tx, scope.accountId, unallocated.map((c) => c.period));
      const ids = unallocated.filter((c) => !invoiced.has(c.period)).map((c) => c.id);
      if (ids.length) {
        await recode(tx, scope, ids, code, "auto");
        await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "billing-code.auto-applied", subject: `room ${roomNumber}`, before: { code: null, conferences: ids }, after: { code } });
      }
      applied = ids.length;
    }
    return { code, applied };
  });
}

/**
 * "Select all" of the month-end clean-up: gives one code to every unallocated conference of the
 * period that the page's filter chooses, the filter being read again inside the transaction. The
 * rows are locked FOR UPDATE; one that another transaction gave a code meanwhile is checked against
 * the filter again once that one commits (READ COMMITTED), no longer matches and keeps its code:
 * two assignments at once never take, nor count, the same conference twice. Owners only; an
 * invoiced month refuses. Returns how many conferences were given the code.
 */
export async function assignUnallocated(db: Database, scope: AccountScope, period: Period, filter: UnallocatedFilter, rawCode: string) {
  assertOwner(scope, "conference");
  const code = billingCodeSchema.parse(rawCode);
  return db.transaction(async (tx) => {
    const matching = await rows(tx, z.object({ id: z.coerce.number() }), sql`select c.id from conferences c where ${conferencesWhere(scope, period, filter)} order by c.id for update of c`);
    // Conferences first, then the month, as every change of codes does: two changes at once never wait for each other in a circle.
    if ((await invoicedMonths(tx, scope.accountId, [period])).size) throw new LockedError("invoiced");
    const ids = matching.map((r) => r.id);
    if (ids.length) {
      await recode(tx, scope, ids, code, "assigned");
      await audit(tx, { accountId: scope.accountId, actorUserId: scope.userId, action: "billing-code.bulk-assigned", subject: `period ${period.slice(0, 7)}`, before: { code: null, conferences: ids }, after: { code, source: "assigned" } });
    }
    return { code, count: ids.length };
  });
}
