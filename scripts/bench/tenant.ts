/**
 * A large synthetic tenant for the benchmark (`npm run bench`) and for scale tests: by default one
 * account with 2,000 rooms and 12 months of usage, about 5 million legs, from a fixed random seed.
 * `scale` keeps the months and the density and multiplies the rooms (0.01 → 20 rooms), so a test
 * can load a small tenant through the same code.
 *
 * Conferences and legs are written with `COPY ... FROM STDIN` in chunks (memory stays flat), with
 * ids taken from the tables' identity sequences while the tables are locked against other writers.
 * Everything happens in one transaction: a failed load leaves nothing behind.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Pool, PoolClient } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { z } from "zod";
import type { Database } from "@/db/client";
import { oneRow } from "@/db/rows";
import * as schema from "@/db/schema";
import { accountMembers, accounts, billingPeriods, directoryNumbers, rooms, tariffs, users, type Product, type ServiceType } from "@/db/schema";
import { hashPassword } from "@/lib/password";
import { addMonths, periodBounds, periodOf, type Period } from "@/lib/periods";
import { rateLeg, type Rate } from "@/lib/rating";
import { rebuildRollups } from "@/lib/usage/rollups";
import { DEFAULT_TARIFF } from "@/lib/demo/demo";
import { seededRandom, type Random } from "@/lib/demo/random";

const TENANT_DEFAULTS = {
  accountNumber: "700001",
  firstRoomNumber: 710000,
  rooms: 2000,
  months: 12,
  /** 5,000,000 legs / (2,000 rooms × 12 months). */
  legsPerRoomMonth: 208,
  seed: 700001,
  password: "Bench-Tenant-1",
} as const;

const TIME_ZONE = "Europe/Paris";
const CURRENCY = "EUR";
const LOCALE = "fr-FR";
const ROOMS_PER_CHUNK = 25;
const INSERT_BATCH = 2000;
/** No leg may end in the future: the last start is this long before `now` (max length ≈ 1 h 40). */
const LATEST_START_BEFORE_NOW_MS = 2 * 3600_000;

export type TenantOptions = {
  /** 1 → 2,000 rooms; 0.01 → 20 rooms, same months and density. */
  scale?: number;
  seed?: number;
  now?: Date;
  accountNumber?: string;
  /** Rooms are numbered from here (710000, 710001, …); keep ranges apart for several tenants. */
  firstRoomNumber?: number;
  /** Months of usage up to `now` (12 by default); 0 gives the account, its owner, rooms and cardholders without usage. */
  months?: number;
  log?: (line: string) => void;
  /**
   * For the drill-down pages, in the previous month: one more room with `roomConferences`
   * conferences of 2–5 legs each, and one more room with a single conference of `conferenceLegs` legs.
   */
  drilldown?: { roomConferences: number; conferenceLegs: number };
};

export type Tenant = {
  accountId: number;
  accountNumber: string;
  owner: { email: string; password: string };
  /** A cardholder who can log in with their room number (same password as the owner). */
  roomHolder: { email: string; password: string; room: string };
  /** The months with usage, oldest first; the last one is the current month (partly elapsed). */
  periods: Period[];
  counts: { rooms: number; users: number; conferences: number; legs: number };
  /** With the `drilldown` option: where the busy room and the large conference are. */
  drilldown?: { period: Period; busyRoom: { number: string; id: number }; largeConference: { room: string; roomId: number; id: number } };
};

const tenantOwnerEmail = (accountNumber: string) => `owner@t${accountNumber}.example`;
const holderEmail = (accountNumber: string, room: string) => `room-${room}@t${accountNumber}.example`;

const FIRST_NAMES = [
  "Anne", "Bruno", "Claire", "David", "Emma", "François", "Gaëlle", "Henri", "Inès", "Jacques", "Karim", "Laura",
  "Marc", "Nadia", "Olivier", "Pauline", "Quentin", "Rita", "Samuel", "Tania", "Victor", "Yasmine", "Zoé", "Hugo",
];
const LAST_NAMES = [
  "Petit", "Caron", "Faure", "Rousseau", "Blanc", "Guerin", "Muller", "Boyer", "Fabre", "Andre", "Benali", "Schmitt",
  "Colin", "Vidal", "Perrin", "Renaud", "Arnaud", "Santos", "Picard", "Roche", "Lemoine", "Haddad", "Noël", "Girard",
];
const CODES = ["SALES-EU", "SALES-US", "RD-42", "FIN", "HR", "PROJ-ATLAS", "PROJ-ORION", "CLIENT-0042", "TRAINING", "BOARD", "OPS", "LEGAL"];
const PRODUCTS: Product[] = ["audio", "audio", "audio", "audio", "audio", "audio", "audio", "web", "web", "webinar", "training"];
const SERVICE_MIX: ServiceType[] = [
  "toll", "toll", "toll", "toll", "toll", "toll", "toll-free", "toll-free", "voip", "voip", "dial-out", "operator-assisted",
];
const ACCESS_NUMBERS: Partial<Record<ServiceType, string[]>> = {
  toll: ["+33 1 70 37 22 84", "+32 2 789 00 10", "+44 20 3608 4421"],
  "toll-free": ["0 800 91 04 27", "0800 89 302"],
  "operator-assisted": ["+33 9 75 18 22 84"],
};

type Cell = string | number | null;
type Rows = Cell[][];
/** COPY's column lists, in the order of the cells UsageGenerator writes (the tables give the types). */
const CONFERENCE_COLUMNS = [
  "account_id", "id", "room_id", "external_id", "product", "started_at", "ended_at", "period",
  "billing_code", "billing_code_source", "billing_code_set_by", "billing_code_set_at", "legs", "duration_s", "charge_minor",
];
const LEG_COLUMNS = [
  "account_id", "id", "conference_id", "external_id", "participant_name", "caller_number", "dialed_number", "service_type",
  "joined_at", "left_at", "duration_s", "billable_s", "charge_minor", "period",
];

/** Writes rows into a table by COPY (ids given explicitly). */
type Loader = (client: PoolClient, table: "conferences" | "legs", columns: string[], rows: Rows) => Promise<void>;

// COPY's text format: backslash, tab and line breaks are escaped, null is \N.
const copyCell = (value: Cell) =>
  value === null ? "\\N" : typeof value === "number" ? String(value) : /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ({ "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" })[c] ?? c) : value;

const copyLoader: Loader = async (client, table, columns, rows) => {
  if (rows.length === 0) return;
  // About 1 MB per chunk written to the socket: fewer writes than one per row, bounded memory.
  function* chunks(): Generator<string> {
    let buffer: string[] = [];
    let size = 0;
    for (const row of rows) {
      const line = row.map(copyCell).join("\t") + "\n";
      buffer.push(line);
      size += line.length;
      if (size >= 1 << 20) {
        yield buffer.join("");
        buffer = [];
        size = 0;
      }
    }
    if (buffer.length) yield buffer.join("");
  }
  const copy = client.query(copyFrom(`copy ${table} (${columns.join(", ")}) from stdin`));
  await pipeline(Readable.from(chunks()), copy);
};

type RoomPlan = { id: number; number: string; product: Product; autoCode: string | null };

type PeriodPlan = {
  period: Period;
  current: boolean;
  /** Local midnight of the 1st, as a UTC instant. */
  start: number;
  /** Day offsets (from the 1st) of the weekdays on which a conference may start. */
  days: number[];
  /** Share of a full month's usage: 1, or the elapsed part of the current month. */
  share: number;
  invoicedAt: Date | null;
};

const DAY_MS = 86_400_000;
const FIRST_SLOT_MS = 7 * 3600_000;
const SLOT_MS = 15 * 60_000;
const SLOTS = 48; // 07:00 to 18:45 local

function planPeriods(now: Date, months: number): PeriodPlan[] {
  const current = periodOf(now, TIME_ZONE);
  const latestStart = now.getTime() - LATEST_START_BEFORE_NOW_MS;
  return Array.from({ length: months }, (_, i) => {
    const period = addMonths(current, i - (months - 1));
    const { start } = periodBounds(period, TIME_ZONE);
    const [y, m] = period.split("-").map(Number) as [number, number];
    const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const weekdays = Array.from({ length: daysInMonth }, (_, d) => d).filter((d) => ![0, 6].includes(new Date(Date.UTC(y, m - 1, 1 + d)).getUTCDay()));
    // A day counts when its whole business window lies before the latest start allowed.
    const days = weekdays.filter((d) => start.getTime() + d * DAY_MS + FIRST_SLOT_MS + (SLOTS - 1) * SLOT_MS < latestStart);
    const isCurrent = period === current;
    return {
      period,
      current: isCurrent,
      start: start.getTime(),
      days,
      share: days.length / weekdays.length,
      invoicedAt: isCurrent ? null : periodBounds(addMonths(period, 1), TIME_ZONE).start,
    };
  });
}

type UsageRows = { conferences: Rows; legs: Rows };

/** Generates conference and leg rows; ids and external ids continue from one room to the next. */
class UsageGenerator {
  private readonly rates = new Map<string, { billableS: number; chargeMinor: number }>();
  private readonly periodsByStart = new Map<number, Period>();
  conferences = 0;
  legs = 0;

  constructor(
    private readonly random: Random,
    private readonly accountId: number,
    private readonly ownerId: number,
    private readonly periods: PeriodPlan[],
    readonly firstConferenceId: number,
    readonly firstLegId: number,
    /** External ids are `<prefix>-c000000001`, `<prefix>-l000000001`: unique per account per prefix. */
    private readonly prefix = "bench",
    /** A room's legs a month, as a share of the 2,000-room tenant's (208 on average). */
    private readonly density = 1,
  ) {}

  /** rateLeg, memoised: durations repeat a lot, and the rating is pure. */
  private rate(serviceType: ServiceType, durationS: number) {
    const key = `${serviceType}:${durationS}`;
    let rated = this.rates.get(key);
    if (!rated) {
      const rate: Rate = DEFAULT_TARIFF[serviceType];
      rated = rateLeg(durationS, rate, CURRENCY);
      this.rates.set(key, rated);
    }
    return rated;
  }

  /** periodOf, memoised per start instant (starts fall on a 15-minute grid). */
  private periodOf(startedAt: number): Period {
    let period = this.periodsByStart.get(startedAt);
    if (!period) {
      period = periodOf(new Date(startedAt), TIME_ZONE);
      this.periodsByStart.set(startedAt, period);
    }
    return period;
  }

  room(room: RoomPlan, out: UsageRows): void {
    const r = this.random;
    for (const plan of this.periods) {
      if (plan.days.length === 0) continue;
      const target = Math.round(r.int(150, 266) * plan.share * this.density);
      let legsInMonth = 0;
      // Every conference adds at least two legs, so this ends after at most target/2 rounds.
      while (legsInMonth < target) {
        const startedAt = this.start(plan);
        const lengthS = r.int(10, 95) * 60 + r.int(0, 59);
        const count = Math.min(r.int(2, 9), Math.max(2, target - legsInMonth));
        this.conference(room, plan, startedAt, lengthS, count, out);
        legsInMonth += count;
      }
    }
  }

  /** `count` conferences of 2–5 legs in one month: a busy room for the drill-down pages. */
  busyRoom(room: RoomPlan, plan: PeriodPlan, count: number, out: UsageRows): void {
    const r = this.random;
    for (let i = 0; i < count; i++) {
      const startedAt = this.start(plan);
      const lengthS = r.int(10, 95) * 60 + r.int(0, 59);
      this.conference(room, plan, startedAt, lengthS, r.int(2, 5), out);
    }
  }

  /** One conference of `legs` participants (a large call) in one month. */
  largeConference(room: RoomPlan, plan: PeriodPlan, legs: number, out: UsageRows): void {
    this.conference(room, plan, this.start(plan), 2 * 3600 + this.random.int(0, 59), legs, out);
  }

  /** `count` conferences of one leg each in one month: the bulk of a large monthly statement. */
  singleLegConferences(rooms: RoomPlan[], plan: PeriodPlan, count: number, out: UsageRows): void {
    const r = this.random;
    for (let i = 0; i < count; i++) {
      const startedAt = this.start(plan);
      this.conference(r.pick(rooms), plan, startedAt, r.int(1, 95) * 60 + r.int(0, 59), 1, out);
    }
  }

  /** A start on a business-day slot of the month. */
  private start(plan: PeriodPlan): number {
    const r = this.random;
    const day = r.pick(plan.days);
    return plan.start + day * DAY_MS + FIRST_SLOT_MS + r.int(0, SLOTS - 1) * SLOT_MS;
  }

  /** One conference with `count` legs rated with the default tariff, and its billing code. */
  private conference(room: RoomPlan, plan: PeriodPlan, startedAt: number, lengthS: number, count: number, out: UsageRows): void {
    const r = this.random;
    const period = this.periodOf(startedAt);
    if (period !== plan.period) throw new Error(`generated start ${new Date(startedAt).toISOString()} falls in ${period}, not ${plan.period}`);
    const conferenceId = this.firstConferenceId + this.conferences;
    let endedAt = startedAt;
    let totalS = 0;
    let totalMinor = 0;
    for (let i = 0; i < count; i++) {
      const serviceType = r.pick(SERVICE_MIX);
      const durationS = r.chance(0.03) ? 0 : Math.max(15, lengthS - r.int(0, Math.floor(lengthS / 2)));
      const joinedAt = startedAt + (i === 0 ? 0 : r.int(0, 240)) * 1000;
      const leftAt = joinedAt + durationS * 1000;
      endedAt = Math.max(endedAt, leftAt);
      const rated = this.rate(serviceType, durationS);
      totalS += durationS;
      totalMinor += rated.chargeMinor;
      const access = ACCESS_NUMBERS[serviceType];
      const digits = String(r.int(0, 99_999_999)).padStart(8, "0").replace(/(\d\d)(?=\d)/g, "$1 ");
      out.legs.push([
        this.accountId,
        this.firstLegId + this.legs,
        conferenceId,
        `${this.prefix}-l${String(this.legs + 1).padStart(9, "0")}`,
        `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`,
        serviceType === "voip" ? "" : serviceType === "dial-out" ? `+33 6 ${digits}` : `+33 ${r.int(1, 5)} ${digits}`,
        access ? r.pick(access) : "",
        serviceType,
        new Date(joinedAt).toISOString(),
        new Date(leftAt).toISOString(),
        durationS,
        rated.billableS,
        rated.chargeMinor,
        period,
      ]);
      this.legs++;
    }
    const code = this.billingCode(room, plan.current);
    const setAt = code.source === "assigned" ? new Date(endedAt).toISOString() : null;
    out.conferences.push([
      this.accountId,
      conferenceId,
      room.id,
      `${this.prefix}-c${String(this.conferences + 1).padStart(9, "0")}`,
      room.product,
      new Date(startedAt).toISOString(),
      new Date(endedAt).toISOString(),
      period,
      code.code,
      code.source,
      code.source === "assigned" ? this.ownerId : null,
      setAt,
      count,
      totalS,
      totalMinor,
    ]);
    this.conferences++;
  }

  private billingCode(room: RoomPlan, current: boolean): { code: string | null; source: "keypad" | "auto" | "assigned" | null } {
    const r = this.random;
    if (r.chance(0.35)) return { code: r.pick(CODES), source: "keypad" };
    if (room.autoCode) return { code: room.autoCode, source: "auto" };
    // Past months were mostly allocated before invoicing; the current month keeps work to do.
    if (!current && r.chance(0.6)) return { code: r.pick(CODES), source: "assigned" };
    return { code: null, source: null };
  }
}

function roomCount(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`scale must be a positive number, got ${scale}`);
  return Math.max(1, Math.round(TENANT_DEFAULTS.rooms * scale));
}

type Shell = { accountId: number; ownerId: number; rooms: RoomPlan[] };

/**
 * The account (number registered as 'account'), its owner, one cardholder per room (all with the
 * password TENANT_DEFAULTS.password, hashed once), the rooms and the invoiced billing periods.
 */
async function createShell(
  tx: NodePgDatabase<typeof schema>,
  random: Random,
  spec: { accountNumber: string; ownerEmail: string; roomNumbers: string[]; passwordHash: string; invoiced: PeriodPlan[] },
): Promise<Shell> {
  const { accountNumber, roomNumbers, passwordHash } = spec;
  await tx
    .insert(tariffs)
    .values(Object.entries(DEFAULT_TARIFF).map(([serviceType, rate]) => ({ serviceType: serviceType as ServiceType, validFrom: "2000-01-01", ...rate })))
    .onConflictDoNothing();
  await tx.insert(directoryNumbers).values({ number: accountNumber, kind: "account" });
  const [account] = await tx
    .insert(accounts)
    .values({ number: accountNumber, companyName: `Benchmark Tenant ${accountNumber}`, currency: CURRENCY, locale: LOCALE, timeZone: TIME_ZONE, supportPhone: "(00)33 1 70 37 22 84" })
    .returning({ id: accounts.id });
  const accountId = account!.id;
  const [owner] = await tx.insert(users).values({ email: spec.ownerEmail, displayName: "Bench Owner", passwordHash }).returning({ id: users.id });
  const ownerId = owner!.id;
  await tx.insert(accountMembers).values({ accountId, userId: ownerId, role: "owner" });
  const plans = await addRooms(tx, random, { accountId, accountNumber, roomNumbers, passwordHash });
  if (spec.invoiced.length) {
    await tx
      .insert(billingPeriods)
      .values(spec.invoiced.map((p) => ({ accountId, period: p.period, status: "invoiced" as const, invoicedAt: p.invoicedAt, invoicedBy: "support (bench tenant)" })));
  }
  return { accountId, ownerId, rooms: plans };
}

/** Rooms, each with its own cardholder (a member of the account). */
async function addRooms(
  tx: NodePgDatabase<typeof schema>,
  random: Random,
  spec: { accountId: number; accountNumber: string; roomNumbers: string[]; passwordHash: string },
): Promise<RoomPlan[]> {
  const { accountId, accountNumber, roomNumbers, passwordHash } = spec;
  for (let i = 0; i < roomNumbers.length; i += INSERT_BATCH) {
    await tx.insert(directoryNumbers).values(roomNumbers.slice(i, i + INSERT_BATCH).map((number) => ({ number, kind: "room" as const })));
  }
  const plans: RoomPlan[] = [];
  for (let i = 0; i < roomNumbers.length; i += INSERT_BATCH) {
    const numbers = roomNumbers.slice(i, i + INSERT_BATCH);
    const holders = await tx
      .insert(users)
      .values(numbers.map((number) => ({ email: holderEmail(accountNumber, number), displayName: `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`, passwordHash })))
      .returning({ id: users.id });
    await tx.insert(accountMembers).values(holders.map((h) => ({ accountId, userId: h.id, role: "member" as const })));
    const specs = numbers.map((number, j) => ({
      accountId,
      number,
      cardholderId: holders[j]!.id,
      autoBillingCode: random.chance(0.2) ? random.pick(CODES) : null,
      product: random.pick(PRODUCTS),
    }));
    const inserted = await tx.insert(rooms).values(specs).returning({ id: rooms.id });
    specs.forEach((s, j) => plans.push({ id: inserted[j]!.id, number: s.number, product: s.product, autoCode: s.autoBillingCode }));
  }
  return plans;
}

/**
 * With the tables locked against other writers nobody else draws from their identity sequences,
 * so ids can be numbered here from the next value and the sequences moved past them afterwards.
 */
async function lockAndNextIds(client: PoolClient): Promise<{ conference: number; leg: number }> {
  await client.query("lock table conferences, legs in share row exclusive mode");
  const next = async (table: string) => {
    const { rows } = await client.query(`select nextval(pg_get_serial_sequence('${table}', 'id')) as id`);
    return z.object({ id: z.coerce.number() }).parse(rows[0]).id;
  };
  return { conference: await next("conferences"), leg: await next("legs") };
}

async function moveSequences(client: PoolClient, last: { conference: number; leg: number }): Promise<void> {
  await client.query(`select setval(pg_get_serial_sequence('conferences', 'id'), $1)`, [last.conference]);
  await client.query(`select setval(pg_get_serial_sequence('legs', 'id'), $1)`, [last.leg]);
}

/**
 * Writes usage chunk by chunk: chunk i+1 is filled while chunk i goes to the server, so neither
 * waits for the other and memory holds two chunks at most. `chunks` rounds, no more; `progress`
 * gets the chunks written and the seconds since the start.
 */
async function loadInChunks(w: Writing, chunks: number, fill: (index: number, out: UsageRows) => Promise<void>, progress: (done: number, seconds: string) => void): Promise<void> {
  if (chunks <= 0) return;
  const started = Date.now();
  const generate = async (index: number) => {
    const out: UsageRows = { conferences: [], legs: [] };
    await fill(index, out);
    return out;
  };
  let chunk = await generate(0);
  for (let index = 0; index < chunks; index++) {
    const current = chunk;
    const writing = (async () => {
      await w.load(w.client, "conferences", CONFERENCE_COLUMNS, current.conferences);
      await w.load(w.client, "legs", LEG_COLUMNS, current.legs);
    })();
    // Observed below; this only keeps an early failure from being reported as unhandled.
    writing.catch(() => {});
    const following = index + 1 < chunks ? generate(index + 1) : Promise.resolve(undefined);
    const [, nextChunk] = await Promise.all([writing, following]);
    if (nextChunk) chunk = nextChunk;
    progress(index + 1, ((Date.now() - started) / 1000).toFixed(1));
  }
}

/** Rollups rebuilt from the loaded usage, in the loading transaction. */
async function rebuild(client: PoolClient, tx: NodePgDatabase<typeof schema>, accountIds: number | number[], log: (line: string) => void): Promise<void> {
  const started = Date.now();
  // The rebuild groups millions of legs: give its sort and hash room in memory for this transaction.
  await client.query("set local work_mem = '256MB'");
  await rebuildRollups(tx, accountIds);
  log(`  rollups rebuilt (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** The account's id and what was loaded for it, counted back from the tables. */
async function counts(db: Database, accountNumber: string): Promise<{ accountId: number; conferences: number; legs: number }> {
  return oneRow(
    db,
    z.object({ accountId: z.coerce.number(), conferences: z.coerce.number(), legs: z.coerce.number() }),
    sql`select a.id as "accountId",
               (select count(*) from conferences c where c.account_id = a.id) as conferences,
               (select count(*) from legs l where l.account_id = a.id) as legs
        from accounts a where a.number = ${accountNumber}`,
  );
}

/** One connection in one transaction: the raw client for COPY, drizzle over it, and the COPY loader. */
type Writing = { client: PoolClient; tx: NodePgDatabase<typeof schema>; load: Loader };

/** The months' partitions of legs (migration 0021): a COPY makes none, and `now` may be any day. None for a tenant without usage. */
async function makePartitions(client: PoolClient, periods: { period: Period }[]) {
  if (!periods.length) return;
  await client.query("select legs_create_partitions($1, $2)", [periods[0]!.period, periods.at(-1)!.period]);
}

/** Runs `work` in one transaction on one connection; a failure leaves nothing behind. */
async function inTransaction<T>(pool: Pool, work: (writing: Writing) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const tx = drizzle(client, { schema });
    await client.query("begin");
    // Rollups, the daily one included, are rebuilt once after the load (rebuildRollups), not per COPY.
    await client.query("set local portal.report_days_by_writer = 'on'");
    const result = await work({ client, tx, load: copyLoader });
    await client.query("commit");
    return result;
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

function checkNumbers(accountNumber: string, firstRoom: number, roomTotal: number): string[] {
  if (!/^\d{6}$/.test(accountNumber)) throw new Error(`account number must be 6 digits, got ${accountNumber}`);
  if (firstRoom < 100000 || firstRoom + roomTotal - 1 > 999999) throw new Error(`rooms ${firstRoom}… (${roomTotal}) do not fit in 6 digits`);
  const roomNumbers = Array.from({ length: roomTotal }, (_, i) => String(firstRoom + i));
  if (roomNumbers.includes(accountNumber)) throw new Error(`account number ${accountNumber} is inside the room range`);
  return roomNumbers;
}

/** Either a drizzle database or a bare pool: the tests pass the one, the benchmarks the other. */
const asDatabase = (target: Database | Pool): Database => ("$client" in target ? target : drizzle(target, { schema }));

/** The last ids a generator gave: where the sequences go, and where the next generator starts after. */
const lastIds = (generator: UsageGenerator) => ({ conference: generator.firstConferenceId + generator.conferences - 1, leg: generator.firstLegId + generator.legs - 1 });

/**
 * After the load: fresh statistics for the planner (as autovacuum would do later), then the
 * tenant as its callers see it, its counts read back from the tables.
 */
async function loadedTenant(db: Database, spec: { accountNumber: string; firstRoom: string; periods: Period[]; rooms: number }): Promise<Tenant> {
  await db.$client.query("analyze rooms, users, conferences, legs, usage_rollups, report_days");
  const row = await counts(db, spec.accountNumber);
  const password = TENANT_DEFAULTS.password;
  return {
    accountId: row.accountId,
    accountNumber: spec.accountNumber,
    owner: { email: tenantOwnerEmail(spec.accountNumber), password },
    roomHolder: { email: holderEmail(spec.accountNumber, spec.firstRoom), password, room: spec.firstRoom },
    periods: spec.periods,
    counts: { rooms: spec.rooms, users: spec.rooms + 1, conferences: row.conferences, legs: row.legs },
  };
}

/** Every room's 12 months, ROOMS_PER_CHUNK rooms a chunk, with a progress line every 20 chunks. */
async function loadRoomUsage(writing: Writing, generator: UsageGenerator, rooms: RoomPlan[], log: (line: string) => void): Promise<void> {
  const fill = async (index: number, out: UsageRows) => {
    for (const room of rooms.slice(index * ROOMS_PER_CHUNK, (index + 1) * ROOMS_PER_CHUNK)) {
      generator.room(room, out);
      // Lets the previous chunk's COPY data flow to the server while this one is generated.
      await yieldToEventLoop();
    }
  };
  await loadInChunks(writing, Math.ceil(rooms.length / ROOMS_PER_CHUNK), fill, (done, seconds) => {
    const roomsDone = Math.min(done * ROOMS_PER_CHUNK, rooms.length);
    if (roomsDone % (ROOMS_PER_CHUNK * 20) === 0 || roomsDone === rooms.length) log(`  ${roomsDone}/${rooms.length} rooms, ${generator.conferences} conferences, ${generator.legs} legs (${seconds} s)`);
  });
}

type DrilldownSpec = {
  shell: Shell;
  accountNumber: string;
  roomNumbers: string[];
  passwordHash: string;
  periods: PeriodPlan[];
  /** The last ids the other rooms used. */
  after: { conference: number; leg: number };
  seed: number;
  sizes: NonNullable<TenantOptions["drilldown"]>;
  log: (line: string) => void;
};

/** The drill-down rooms (the busy room, then the large conference's) and their usage in the previous month. */
async function addDrilldownRooms(writing: Writing, spec: DrilldownSpec): Promise<{ drilldown: NonNullable<Tenant["drilldown"]>; last: { conference: number; leg: number } }> {
  const { shell, sizes } = spec;
  // Their own random stream, after the others: the rest of the tenant is the same with or without them.
  const random = seededRandom(spec.seed + 1);
  const [busy, large] = await addRooms(writing.tx, random, { accountId: shell.accountId, accountNumber: spec.accountNumber, roomNumbers: spec.roomNumbers, passwordHash: spec.passwordHash });
  const plan = spec.periods.at(-2)!;
  const extra = new UsageGenerator(random, shell.accountId, shell.ownerId, spec.periods, spec.after.conference + 1, spec.after.leg + 1, "drill");
  const out: UsageRows = { conferences: [], legs: [] };
  extra.busyRoom(busy!, plan, sizes.roomConferences, out);
  const largeConferenceId = extra.firstConferenceId + extra.conferences;
  extra.largeConference(large!, plan, sizes.conferenceLegs, out);
  await writing.load(writing.client, "conferences", CONFERENCE_COLUMNS, out.conferences);
  await writing.load(writing.client, "legs", LEG_COLUMNS, out.legs);
  spec.log(`  drill-down rooms: ${busy!.number} with ${sizes.roomConferences} conferences, ${large!.number} with one conference of ${sizes.conferenceLegs} legs (${plan.period})`);
  return {
    drilldown: { period: plan.period, busyRoom: { number: busy!.number, id: busy!.id }, largeConference: { room: large!.number, roomId: large!.id, id: largeConferenceId } },
    last: lastIds(extra),
  };
}

/**
 * Creates the tenant: the account, its owner, one cardholder per room, the rooms, the invoiced
 * billing periods, 12 months of conferences and legs rated with the default tariff, and the rollups.
 * With `drilldown`, two more rooms follow the others (the busy room, then the large conference's).
 */
export async function generateTenant(target: Database | Pool, options: TenantOptions = {}): Promise<Tenant> {
  const db = asDatabase(target);
  const accountNumber = options.accountNumber ?? TENANT_DEFAULTS.accountNumber;
  const roomTotal = roomCount(options.scale ?? 1);
  const extraRooms = options.drilldown ? 2 : 0;
  const log = options.log ?? (() => {});
  const allNumbers = checkNumbers(accountNumber, options.firstRoomNumber ?? TENANT_DEFAULTS.firstRoomNumber, roomTotal + extraRooms);
  const roomNumbers = allNumbers.slice(0, roomTotal);
  const seed = options.seed ?? TENANT_DEFAULTS.seed;
  const random = seededRandom(seed);
  const passwordHash = await hashPassword(TENANT_DEFAULTS.password);
  const periods = planPeriods(options.now ?? new Date(), options.months ?? TENANT_DEFAULTS.months);

  const drilldown = await inTransaction(db.$client, async (writing) => {
    const shell = await createShell(writing.tx, random, { accountNumber, ownerEmail: tenantOwnerEmail(accountNumber), roomNumbers, passwordHash, invoiced: periods.filter((p) => p.invoicedAt) });
    const ids = await lockAndNextIds(writing.client);
    await makePartitions(writing.client, periods);
    const generator = new UsageGenerator(random, shell.accountId, shell.ownerId, periods, ids.conference, ids.leg);
    await loadRoomUsage(writing, generator, shell.rooms, log);
    let last = lastIds(generator);
    let extras: Awaited<ReturnType<typeof addDrilldownRooms>> | undefined;
    if (options.drilldown) {
      extras = await addDrilldownRooms(writing, { shell, accountNumber, roomNumbers: allNumbers.slice(roomTotal), passwordHash, periods, after: last, seed, sizes: options.drilldown, log });
      last = extras.last;
    }
    await moveSequences(writing.client, last);
    await rebuild(writing.client, writing.tx, shell.accountId, log);
    return extras?.drilldown;
  });

  const tenant = await loadedTenant(db, { accountNumber, firstRoom: roomNumbers[0]!, periods: periods.map((p) => p.period), rooms: roomTotal + extraRooms });
  return { ...tenant, ...(drilldown ? { drilldown } : {}) };
}

export type StatementTenantOptions = {
  /** Conferences (one leg each) in the previous month. */
  conferences: number;
  rooms?: number;
  seed?: number;
  now?: Date;
  accountNumber?: string;
  firstRoomNumber?: number;
  log?: (line: string) => void;
};

const STATEMENT_CHUNK = 25_000;

/** `conferences` single-leg conferences in one month, STATEMENT_CHUNK a chunk, with a progress line every 10 chunks. */
async function loadStatementUsage(writing: Writing, generator: UsageGenerator, shell: Shell, plan: PeriodPlan, conferences: number, log: (line: string) => void): Promise<void> {
  const chunks = Math.ceil(conferences / STATEMENT_CHUNK);
  const fill = async (index: number, out: UsageRows) => {
    const count = Math.min(STATEMENT_CHUNK, conferences - index * STATEMENT_CHUNK);
    // In slices, letting the previous chunk's COPY data flow between them.
    for (let done = 0; done < count; done += 1000) {
      generator.singleLegConferences(shell.rooms, plan, Math.min(1000, count - done), out);
      await yieldToEventLoop();
    }
  };
  await loadInChunks(writing, chunks, fill, (done, seconds) => {
    if (done % 10 === 0 || done === chunks) log(`  ${generator.conferences} conferences, ${generator.legs} legs (${seconds} s)`);
  });
}

/**
 * An account whose previous month holds `conferences` conferences of one leg each across `rooms`
 * rooms (a very large monthly statement), rated with the default tariff, with its rollups.
 */
export async function generateStatementTenant(target: Database | Pool, options: StatementTenantOptions): Promise<Tenant & { period: Period }> {
  const db = asDatabase(target);
  const accountNumber = options.accountNumber ?? "700003";
  const roomTotal = options.rooms ?? 200;
  const roomNumbers = checkNumbers(accountNumber, options.firstRoomNumber ?? 730000, roomTotal);
  const log = options.log ?? (() => {});
  if (!Number.isSafeInteger(options.conferences) || options.conferences < 1) throw new Error(`conferences must be a positive integer, got ${options.conferences}`);

  const random = seededRandom(options.seed ?? 700003);
  const passwordHash = await hashPassword(TENANT_DEFAULTS.password);
  // Only the previous month: a complete month, invoiced as it would be by then.
  const plan = planPeriods(options.now ?? new Date(), 2)[0]!;

  await inTransaction(db.$client, async (writing) => {
    const shell = await createShell(writing.tx, random, { accountNumber, ownerEmail: tenantOwnerEmail(accountNumber), roomNumbers, passwordHash, invoiced: [plan] });
    const ids = await lockAndNextIds(writing.client);
    await makePartitions(writing.client, [plan]);
    const generator = new UsageGenerator(random, shell.accountId, shell.ownerId, [plan], ids.conference, ids.leg, "stmt");
    await loadStatementUsage(writing, generator, shell, plan, options.conferences, log);
    await moveSequences(writing.client, lastIds(generator));
    await rebuild(writing.client, writing.tx, shell.accountId, log);
  });

  const tenant = await loadedTenant(db, { accountNumber, firstRoom: roomNumbers[0]!, periods: [plan.period], rooms: roomTotal });
  return { ...tenant, period: plan.period };
}

export type ProviderOptions = {
  /** Accounts of one room each, numbered from `firstAccountNumber`, their rooms from `firstRoomNumber`. */
  accounts: number;
  /** Legs over the 12 months, in all: each room's density is set to reach it. */
  legs: number;
  firstAccountNumber?: number;
  firstRoomNumber?: number;
  seed?: number;
  now?: Date;
  log?: (line: string) => void;
};

const PROVIDER_ACCOUNTS_PER_CHUNK = 50;

/** The provider's accounts, their owners (who hold the one room) and rooms, in bulk SQL. */
async function createProviderShells(tx: NodePgDatabase<typeof schema>, spec: { accounts: number; firstAccount: number; firstRoom: number; passwordHash: string }) {
  const { accounts: n, firstAccount, firstRoom, passwordHash } = spec;
  await tx.execute(sql`
    insert into directory_numbers (number, kind)
    select (${firstAccount}::int + i)::text, 'account' from generate_series(0, ${n - 1}::int) i
    union all select (${firstRoom}::int + i)::text, 'room' from generate_series(0, ${n - 1}::int) i`);
  await tx.execute(sql`
    insert into accounts (number, company_name, currency, locale, time_zone)
    select (${firstAccount}::int + i)::text, 'Provider Customer ' || (${firstAccount}::int + i), ${CURRENCY}, ${LOCALE}, ${TIME_ZONE} from generate_series(0, ${n - 1}::int) i`);
  await tx.execute(sql`
    insert into users (email, display_name, password_hash)
    select 'owner@t' || (${firstAccount}::int + i) || '.example', 'Owner ' || (${firstAccount}::int + i), ${passwordHash} from generate_series(0, ${n - 1}::int) i`);
  const shells = await tx.execute<{ account_id: string; owner_id: string; room_id: string; room_number: string }>(sql`
    with members as (
      insert into account_members (account_id, user_id, role)
      select a.id, u.id, 'owner' from accounts a join users u on lower(u.email) = 'owner@t' || a.number || '.example'
      where a.number::int between ${firstAccount}::int and ${firstAccount + n - 1}::int
      returning account_id, user_id
    )
    insert into rooms (account_id, number, cardholder_id, product)
    select m.account_id, (${firstRoom}::int + a.number::int - ${firstAccount}::int)::text, m.user_id, 'audio'
    from members m join accounts a on a.id = m.account_id
    returning account_id, cardholder_id as owner_id, id as room_id, number as room_number`);
  return shells.rows.map((r) => ({ accountId: Number(r.account_id), ownerId: Number(r.owner_id), room: { id: Number(r.room_id), number: r.room_number, product: "audio" as Product, autoCode: null } }));
}

/**
 * A provider's other customers: `accounts` small accounts (one room, its holder the owner) with 12
 * months of usage, `legs` legs in all, loaded as the tenant is (COPY in chunks, rollups rebuilt
 * once for all of them), in one transaction. Owners log in as the tenant's do.
 */
export async function generateProviderAccounts(target: Database | Pool, options: ProviderOptions): Promise<{ accounts: number; conferences: number; legs: number }> {
  const db = asDatabase(target);
  const firstAccount = options.firstAccountNumber ?? 800000;
  const firstRoom = options.firstRoomNumber ?? 200000;
  checkNumbers(String(firstAccount + options.accounts - 1), firstRoom, options.accounts);
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed ?? 800000);
  const periods = planPeriods(options.now ?? new Date(), TENANT_DEFAULTS.months);
  const roomYear = TENANT_DEFAULTS.legsPerRoomMonth * periods.reduce((sum, p) => sum + p.share, 0);
  const density = options.legs / (options.accounts * roomYear);
  const passwordHash = await hashPassword(TENANT_DEFAULTS.password);
  return inTransaction(db.$client, async (writing) => {
    const shells = await createProviderShells(writing.tx, { accounts: options.accounts, firstAccount, firstRoom, passwordHash });
    let next = await lockAndNextIds(writing.client);
    await makePartitions(writing.client, periods);
    const totals = { conferences: 0, legs: 0 };
    const fill = async (index: number, out: UsageRows) => {
      for (const shell of shells.slice(index * PROVIDER_ACCOUNTS_PER_CHUNK, (index + 1) * PROVIDER_ACCOUNTS_PER_CHUNK)) {
        const generator = new UsageGenerator(random, shell.accountId, shell.ownerId, periods, next.conference, next.leg, "prov", density);
        generator.room(shell.room, out);
        totals.conferences += generator.conferences;
        totals.legs += generator.legs;
        next = { conference: next.conference + generator.conferences, leg: next.leg + generator.legs };
        await yieldToEventLoop();
      }
    };
    const chunks = Math.ceil(shells.length / PROVIDER_ACCOUNTS_PER_CHUNK);
    await loadInChunks(writing, chunks, fill, (done, seconds) => {
      if (done % 40 === 0 || done === chunks) log(`  ${Math.min(done * PROVIDER_ACCOUNTS_PER_CHUNK, shells.length)}/${shells.length} accounts, ${totals.conferences} conferences, ${totals.legs} legs (${seconds} s)`);
    });
    await moveSequences(writing.client, { conference: next.conference - 1, leg: next.leg - 1 });
    await rebuild(writing.client, writing.tx, shells.map((s) => s.accountId), log);
    return { accounts: shells.length, ...totals };
  });
}
