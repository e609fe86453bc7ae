import { Readable } from "node:stream";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import {
  budgets,
  roomUsage,
  accessNumbers,
  accountMembers,
  auditEvents,
  accounts,
  conferences,
  directoryNumbers,
  groupMembers,
  groups,
  rooms,
  tariffs,
  users,
  type ServiceType,
} from "@/db/schema";
import { closePeriod } from "@/lib/admin/support";
import { audit } from "@/lib/audit";
import { scopeOf } from "@/lib/auth/scope";
import { assignBillingCode } from "@/lib/billing-codes";
import { ingest } from "@/lib/ingest/ingest";
import { hashPassword } from "@/lib/password";
import { addMonths, periodBounds, periodOf, type Period } from "@/lib/periods";
import { rateLeg, type Rate } from "@/lib/rating";
import { planExactLegs, type PlannedLeg } from "./exact-month";
import { seededRandom, type Random } from "./random";

export const DEMO_ACCOUNT = "602127";
const DEMO_OWNER = { email: "owner@phoenix.example", password: "Phoenix-Owner-1" };
const DEMO_ROOM_HOLDER = { email: "marilene@phoenix.example", password: "Phoenix-Room-1", room: "332703" };

const TIME_ZONE = "Europe/Paris";
const CURRENCY = "EUR";

/** The provider's default tariff. Toll at 0.0900 €/min makes Leo's single minute cost 0,09 €. */
export const DEFAULT_TARIFF: Record<ServiceType, Rate> = {
  toll: { ratePerMinuteE4: 900, incrementS: 60, minimumS: 60 },
  "toll-free": { ratePerMinuteE4: 1450, incrementS: 60, minimumS: 60 },
  "dial-out": { ratePerMinuteE4: 1150, incrementS: 60, minimumS: 60 },
  voip: { ratePerMinuteE4: 200, incrementS: 60, minimumS: 60 },
  "operator-assisted": { ratePerMinuteE4: 9500, incrementS: 60, minimumS: 60 },
};

/** The seed's account table for the month before the current one. */
const SEED_MONTH = [
  { room: "320026", seconds: 60, chargeMinor: 9, conferences: 1, legs: 1, tollFreeLegs: 0 },
  { room: "332703", seconds: 23 * 3600 + 50 * 60 + 16, chargeMinor: 11659, conferences: 19, legs: 96, tollFreeLegs: 6 },
  { room: "335848", seconds: 2 * 3600 + 58 * 60 + 52, chargeMinor: 1539, conferences: 4, legs: 14, tollFreeLegs: 1 },
];

const ROOMS: { number: string; holder: string; email: string; autoCode?: string; product?: "audio" | "web"; usage: number }[] = [
  { number: "320026", holder: "Leo", email: "leo@phoenix.example", usage: 0.3 },
  { number: "332703", holder: "Marilene BALLESTER", email: DEMO_ROOM_HOLDER.email, usage: 0.95 },
  { number: "335848", holder: "Jean-Baptiste Godeau", email: "jb.godeau@phoenix.example", usage: 0.7 },
  { number: "341129", holder: "Sophie Marchand", email: "s.marchand@phoenix.example", autoCode: "SALES-EU", usage: 0.9 },
  { number: "342287", holder: "Thomas Lefèvre", email: "t.lefevre@phoenix.example", autoCode: "RD-42", usage: 0.8 },
  { number: "350014", holder: "Camille Roux", email: "c.roux@phoenix.example", usage: 0.6 },
  { number: "351776", holder: "Nicolas Girard", email: "n.girard@phoenix.example", autoCode: "FIN", usage: 0.75 },
  { number: "358402", holder: "Élodie Bonnet", email: "e.bonnet@phoenix.example", product: "web", usage: 0.5 },
  { number: "360958", holder: "Antoine Mercier", email: "a.mercier@phoenix.example", usage: 0.85 },
  { number: "364431", holder: "Julie Fontaine", email: "j.fontaine@phoenix.example", autoCode: "HR", usage: 0.4 },
  { number: "367093", holder: "Hugo Chevalier", email: "h.chevalier@phoenix.example", usage: 0.65 },
  { number: "371540", holder: "Léa Dubois", email: "l.dubois@phoenix.example", product: "web", usage: 0.55 },
  { number: "375218", holder: "Maxime Lambert", email: "m.lambert@phoenix.example", usage: 0 },
  { number: "378864", holder: "Chloé Moreau", email: "c.moreau@phoenix.example", usage: 0 },
  { number: "382305", holder: "Paul Garnier", email: "p.garnier@phoenix.example", usage: 0.2 },
];

const GROUPS: Record<string, string[]> = {
  Sales: ["341129", "350014", "360958"],
  "Research & Development": ["342287", "367093", "371540"],
  Finance: ["351776", "335848"],
  "Human Resources": ["364431"],
};

const CODES = ["SALES-EU", "RD-42", "FIN", "HR", "PROJ-ATLAS", "PROJ-ORION", "CLIENT-0042", "TRAINING", "BOARD"];

const PARTICIPANTS = [
  "Anne Petit", "Bruno Caron", "Claire Faure", "David Rousseau", "Emma Blanc", "François Guerin",
  "Gaëlle Muller", "Henri Boyer", "Inès Fabre", "Jacques Andre", "Karim Benali", "Laura Schmitt",
  "Marc Colin", "Nadia Vidal", "Olivier Perrin", "Pauline Renaud", "Quentin Arnaud", "Rita Santos",
  "Samuel Picard", "Tania Roche", "Victor Lemoine", "Yasmine Haddad", "Zoé Noël", "",
];

const ACCESS_NUMBERS: { number: string; country: string; serviceType: ServiceType }[] = [
  { number: "+33 1 70 37 22 84", country: "FR", serviceType: "toll" },
  { number: "+32 2 789 00 10", country: "BE", serviceType: "toll" },
  { number: "+44 20 3608 4421", country: "GB", serviceType: "toll" },
  { number: "0 800 91 04 27", country: "FR", serviceType: "toll-free" },
  { number: "0800 89 302", country: "BE", serviceType: "toll-free" },
  { number: "+33 9 75 18 22 84", country: "FR", serviceType: "operator-assisted" },
];

type NewLeg = { externalId: string; participantName: string; callerNumber: string; dialedNumber: string; serviceType: ServiceType; joinedAt: Date; leftAt: Date };
type NewConference = { roomNumber: string; startedAt: Date; legs: NewLeg[]; billingCode: string | null; source: "keypad" | "auto" | "assigned" | null };

const SEEDED = "demo.seeded";

/** True once the demo data is loaded: the seed runs once. */
export async function demoSeeded(db: Database): Promise<boolean> {
  const [account] = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.number, DEMO_ACCOUNT));
  if (!account) return false;
  const [done] = await db.select({ id: auditEvents.id }).from(auditEvents).where(and(eq(auditEvents.accountId, account.id), eq(auditEvents.action, SEEDED)));
  // Data directories loaded before the marker existed have usage but no marker.
  const [usage] = done ? [done] : await db.select({ id: conferences.id }).from(conferences).where(eq(conferences.accountId, account.id)).limit(1);
  if (!usage) throw new Error("The demo data in DATA_DIR was left half-loaded by an interrupted first start: delete DATA_DIR and start again.");
  return true;
}

/**
 * Loads the demo account: the seed's three rooms reproducing its table exactly in the month before
 * `now`, twelve more rooms, groups, codes and 12 months of usage, all from a fixed random seed.
 */
export async function seedDemo(db: Database, now = new Date()): Promise<void> {
  const random = seededRandom(602127);
  const demo = await createDemoAccount(db, now);
  await createGroups(db, demo);
  // Usage goes in through the ingest path, as the bridge's would; codes the owner gave and the
  // invoicing of past months go through the portal's and support's own operations.
  const current = periodOf(now, TIME_ZONE);
  const planned = planUsage(random, current, now);
  await ingestUsage(db, demo.accountId, planned, now);
  await assignCodes(db, demo, planned);
  for (let offset = -11; offset < 0; offset++) await closePeriod(db, { account: DEMO_ACCOUNT, month: addMonths(current, offset).slice(0, 7) }, now);
  await createBudgets(db, demo, current);
  await audit(db, { accountId: demo.accountId, actorLabel: "demo seed", action: SEEDED });
}

/** The demo account as created: its id, its owner's, and its room holders' by e-mail address. */
type DemoAccount = { accountId: number; ownerId: number; holderId: Map<string, number> };

/** The provider's default tariff and access numbers (kept if there already), then the account, its owner, room holders and rooms. */
async function createDemoAccount(db: Database, now: Date): Promise<DemoAccount> {
  const passwordHashes = await Promise.all(
    ROOMS.map((r) => (r.email === DEMO_ROOM_HOLDER.email ? hashPassword(DEMO_ROOM_HOLDER.password) : hashPassword(`locked-${r.number}-${now.getTime()}-${Math.random()}`))),
  );
  const ownerHash = await hashPassword(DEMO_OWNER.password);
  return db.transaction(async (tx) => {
    await tx.insert(tariffs).values(
      Object.entries(DEFAULT_TARIFF).map(([serviceType, rate]) => ({ serviceType: serviceType as ServiceType, validFrom: "2000-01-01", ...rate })),
    ).onConflictDoNothing();
    await tx.insert(accessNumbers).values(ACCESS_NUMBERS).onConflictDoNothing();

    await tx.insert(directoryNumbers).values([{ number: DEMO_ACCOUNT, kind: "account" }, ...ROOMS.map((r) => ({ number: r.number, kind: "room" as const }))]);
    const [account] = await tx
      .insert(accounts)
      .values({ number: DEMO_ACCOUNT, companyName: "MeetingOne Phoenix", currency: CURRENCY, locale: "fr-FR", timeZone: TIME_ZONE, supportPhone: "(00)32 2 789 00 10" })
      .returning({ id: accounts.id });
    const accountId = account!.id;

    const [owner] = await tx
      .insert(users)
      .values({ email: DEMO_OWNER.email, displayName: "Isabelle Laurent", passwordHash: ownerHash })
      .returning({ id: users.id });
    await tx.insert(accountMembers).values({ accountId, userId: owner!.id, role: "owner" });

    const holders = await tx
      .insert(users)
      .values(ROOMS.map((r, i) => ({ email: r.email, displayName: r.holder, passwordHash: passwordHashes[i]!, status: r.usage === 0 && r.number === "378864" ? ("suspended" as const) : ("active" as const) })))
      .returning({ id: users.id, email: users.email });
    await tx.insert(accountMembers).values(holders.map((h) => ({ accountId, userId: h.id, role: "member" as const })));
    const holderId = new Map(holders.map((h) => [h.email, h.id]));

    await tx.insert(rooms).values(ROOMS.map((r) => ({ accountId, number: r.number, cardholderId: holderId.get(r.email)!, autoBillingCode: r.autoCode ?? null, product: r.product ?? "audio" })));
    return { accountId, ownerId: owner!.id, holderId };
  });
}

async function createGroups(db: Database, { accountId, holderId }: DemoAccount) {
  await db.transaction(async (tx) => {
    for (const [name, members] of Object.entries(GROUPS)) {
      const [group] = await tx.insert(groups).values({ accountId, name }).returning({ id: groups.id });
      await tx.insert(groupMembers).values(members.map((number) => ({ accountId, groupId: group!.id, userId: holderId.get(ROOMS.find((r) => r.number === number)!.email)! })));
    }
  });
}

/** Twelve months of conferences up to `now`: the seed's table exactly in the month before the current one, random usage in the others. */
function planUsage(random: Random, current: Period, now: Date): NewConference[] {
  const seedMonth = addMonths(current, -1);
  const planned: NewConference[] = [];
  for (let offset = -11; offset <= 0; offset++) {
    const period = addMonths(current, offset);
    const targets = period === seedMonth ? SEED_MONTH.map((target) => ({ target, spec: ROOMS.find((r) => r.number === target.room)! })) : [];
    if (targets.length) for (const { target, spec } of targets) planned.push(...exactConferences(random, spec.number, spec.autoCode ?? null, period, target, now));
    else
      for (const spec of ROOMS) {
        // In the open month the seed's rooms (the walkthroughs' rooms) have conferences whatever the
        // day's draws; the others are in use as in any month.
        const kept = period === current && SEED_MONTH.some((s) => s.room === spec.number);
        if (!random.chance(spec.usage) && !kept) continue;
        const count = conferenceCount(random, period === current ? monthGoneBy(period, now) : 1, kept);
        planned.push(...randomConferences(random, spec.number, spec.autoCode ?? null, period, count, period === current, now));
      }
  }
  return planned;
}

/** The bridge's conference id of the i-th planned conference. */
const conferenceId = (i: number) => `demo-${i + 1}`;

/** The planned legs as the bridge would send them (NDJSON), through the CDR API's ingest. */
async function ingestUsage(db: Database, accountId: number, planned: NewConference[], now: Date) {
  const records = planned.flatMap((c, i) =>
    c.legs.map((l) =>
      JSON.stringify({
        leg_id: l.externalId,
        conference_id: conferenceId(i),
        room_number: c.roomNumber,
        service_type: l.serviceType,
        started_at: l.joinedAt.toISOString(),
        ended_at: l.leftAt.toISOString(),
        caller_name: l.participantName,
        caller_number: l.callerNumber,
        dialed_number: l.dialedNumber,
        billing_code: c.source === "keypad" ? c.billingCode : undefined,
      }) + "\n",
    ),
  );
  const ingested = await ingest(db, { accountId, label: "demo seed" }, Readable.from(records), "ndjson", { now });
  if (!ingested.ok) throw new Error(`demo usage refused: ${JSON.stringify(ingested.errors.slice(0, 3))}`);
}

/** The codes the owner gave afterwards ("assigned"), through the portal's own operation. */
async function assignCodes(db: Database, { accountId, ownerId }: DemoAccount, planned: NewConference[]) {
  const owner = await scopeOf(db, { userId: ownerId, accountId, roomId: null });
  const assigned = new Map<string, string[]>();
  planned.forEach((c, i) => c.source === "assigned" && c.billingCode && assigned.set(c.billingCode, [...(assigned.get(c.billingCode) ?? []), conferenceId(i)]));
  for (const [code, externalIds] of assigned) {
    const rows = await db.select({ id: conferences.id, version: conferences.version }).from(conferences).where(and(eq(conferences.accountId, accountId), inArray(conferences.externalId, externalIds)));
    await assignBillingCode(db, owner, rows, code);
  }
}

/**
 * Spending alerts to look at: the account's budget set just above what this month has spent so far
 * (about 85 %: the workers' first minute tick sends the 80 % e-mail into the outbox), and a budget
 * for the demo holder's room, with its holder told, still well below.
 */
async function createBudgets(db: Database, { accountId, ownerId }: DemoAccount, current: Period) {
  const spent = async (roomNumber?: string) => {
    const [row] = await db
      .select({ minor: sql<string>`coalesce(sum(${roomUsage.chargeMinor}), 0)` })
      .from(roomUsage)
      .where(and(eq(roomUsage.accountId, accountId), eq(roomUsage.period, current), roomNumber ? eq(roomUsage.roomId, sql`(select id from rooms where account_id = ${accountId} and number = ${roomNumber})`) : undefined));
    return Number(row!.minor);
  };
  // Whole euros, rounded up to tens.
  const tens = (minor: number) => Math.ceil(minor / 1_000) * 1_000;
  const [account, room] = [await spent(), await spent(DEMO_ROOM_HOLDER.room)];
  const roomId = sql`(select id from rooms where account_id = ${accountId} and number = ${DEMO_ROOM_HOLDER.room})`;
  await db.insert(budgets).values([
    { accountId, target: "account", amountMinor: Math.max(10_000, tens(account / 0.85)), createdBy: ownerId },
    { accountId, target: "room", roomId, amountMinor: Math.max(5_000, tens(room * 2)), notifyRoomHolder: true, createdBy: ownerId },
  ]);
}

let legCounter = 0;

function makeLeg(random: Random, serviceType: ServiceType, joinedAt: Date, durationS: number): NewLeg {
  const dialed = ACCESS_NUMBERS.filter((a) => a.serviceType === serviceType);
  return {
    externalId: `demo-leg-${++legCounter}`,
    participantName: random.pick(PARTICIPANTS),
    callerNumber: serviceType === "voip" ? "" : `+33 ${random.int(1, 7)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}`,
    dialedNumber: dialed.length ? random.pick(dialed).number : serviceType === "dial-out" ? `+33 6 ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}` : "",
    serviceType,
    joinedAt,
    leftAt: new Date(joinedAt.getTime() + durationS * 1000),
  };
}

/**
 * A business-hours start on a weekday of the period, early enough to end before `latest`; when the
 * period has no such hour yet (the open month's first days on a weekend), any quarter-hour of it so
 * far; none in the open month's first three hours.
 */
function startIn(random: Random, period: Period, latest: Date): Date | undefined {
  const { start, end } = periodBounds(period, TIME_ZONE);
  // The longest conference (95 minutes and a leg joining 4 minutes late) ends well within 3 hours.
  const last = Math.min(end.getTime(), latest.getTime()) - 3 * 3600_000;
  if (last <= start.getTime()) return undefined;
  const days = Math.floor((last - start.getTime()) / 86_400_000);
  // Bounded: a month long enough always finds a weekday within a few draws.
  for (let draw = 0; draw < 200; draw++) {
    const day = start.getTime() + random.int(0, days) * 86_400_000;
    const at = new Date(day + (random.int(7, 17) * 3600 + random.int(0, 3) * 900) * 1000);
    const weekday = at.getUTCDay();
    if (at.getTime() < last && weekday !== 0 && weekday !== 6) return at;
  }
  return new Date(start.getTime() + random.int(0, Math.floor((last - start.getTime()) / 900_000)) * 900_000);
}

function codeFor(random: Random, autoCode: string | null, current: boolean): Pick<NewConference, "billingCode" | "source"> {
  if (random.chance(0.35)) return { billingCode: random.pick(CODES), source: "keypad" };
  if (autoCode) return { billingCode: autoCode, source: "auto" };
  // Past months were mostly allocated before invoicing; the current month keeps work to do.
  if (!current && random.chance(0.6)) return { billingCode: random.pick(CODES), source: "assigned" };
  return { billingCode: null, source: null };
}

function conferenceFromPlan(random: Random, roomNumber: string, startedAt: Date, planned: PlannedLeg[], code: Pick<NewConference, "billingCode" | "source">): NewConference {
  const legsOut = planned.map((p, i) => makeLeg(random, p.serviceType, new Date(startedAt.getTime() + (i === 0 ? 0 : random.int(0, 240)) * 1000), p.durationS));
  return { roomNumber, startedAt, legs: legsOut, ...code };
}

function exactConferences(
  random: Random,
  roomNumber: string,
  autoCode: string | null,
  period: Period,
  target: (typeof SEED_MONTH)[number],
  now: Date,
): NewConference[] {
  const planned = planExactLegs(random, target, {
    toll: 9,
    voip: 2,
    tollFree: (minutes) => rateLeg(minutes * 60, DEFAULT_TARIFF["toll-free"], CURRENCY).chargeMinor,
  });
  // Deal the legs out so every conference has at least one.
  const shuffled = [...planned].sort(() => random.next() - 0.5);
  const perConference: PlannedLeg[][] = Array.from({ length: target.conferences }, (_, i) => [shuffled[i]!]);
  for (const leg of shuffled.slice(target.conferences)) random.pick(perConference).push(leg);
  return perConference.map((legsOfConference) => conferenceFromPlan(random, roomNumber, startIn(random, period, now)!, legsOfConference, codeFor(random, autoCode, false)));
}

const SERVICE_MIX: ServiceType[] = [
  "toll", "toll", "toll", "toll", "toll", "toll", "toll-free", "toll-free", "voip", "voip", "dial-out", "operator-assisted",
];

/** The part of `period` gone by at `now` (0–1), in the account's time zone. */
function monthGoneBy(period: Period, now: Date): number {
  const { start, end } = periodBounds(period, TIME_ZONE);
  return Math.min(1, Math.max(0, (now.getTime() - start.getTime()) / (end.getTime() - start.getTime())));
}

/**
 * How many conferences a room in use has: a typical month's number times the part of the month gone
 * by, so that the open month's pace so far, and the projection drawn from it, look like the months
 * before; at least one in a room kept in use.
 */
function conferenceCount(random: Random, goneBy: number, kept: boolean): number {
  return Math.max(kept ? 1 : 0, Math.round(random.int(3, 22) * goneBy));
}

function randomConferences(random: Random, roomNumber: string, autoCode: string | null, period: Period, count: number, current: boolean, now: Date): NewConference[] {
  return Array.from({ length: count }, (_, i) => {
    const length = random.int(10, 95) * 60 + random.int(0, 59);
    const planned = Array.from({ length: random.int(2, 9) }, () => ({
      serviceType: random.pick(SERVICE_MIX),
      durationS: random.chance(0.03) ? 0 : Math.max(15, length - random.int(0, Math.floor(length / 2))),
    }));
    const code = codeFor(random, autoCode, current);
    // The open month's first conference of each room is left to allocate whatever the draws, so
    // every room in it has work to do on any day of the month (the draws shift with the day).
    const keptForCleanup = current && i === 0 && code.source === "keypad";
    const startedAt = startIn(random, period, now);
    return startedAt ? [conferenceFromPlan(random, roomNumber, startedAt, planned, keptForCleanup ? { billingCode: autoCode, source: autoCode ? "auto" : null } : code)] : [];
  }).flat();
}
