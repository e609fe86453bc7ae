import { serviceTypes } from "@/db/schema";
import type { StagedLeg } from "./leg";
import type { Cell, Columns } from "./temp-tables";

/** What grouping reads of a leg. */
export type GroupedLeg = Pick<StagedLeg, "line" | "accountId" | "roomId" | "conferenceExt" | "serviceType" | "joinedMs" | "leftMs" | "durationS" | "billableS" | "chargeMinor" | "keypadCode" | "product">;

/**
 * A conference's legs per service type, summed: legs, seconds, billable seconds and charge for each
 * type in `serviceTypes` order, in one array (one allocation a conference, not one per type).
 */
const SUMS = 4;
const TYPE_OFFSET = new Map<string, number>(serviceTypes.map((type, i) => [type, i * SUMS]));

/** A conference as a chunk's legs show it: the rooms they name, first join, last leave, first code and product by line, totals. */
type ConferenceGroup = {
  accountId: number;
  conferenceExt: string;
  /** The first line of its legs, and the lowest and highest room id they name (two rooms: a conflict). */
  line: number;
  roomId: number;
  otherRoomId: number;
  joinedMs: number;
  leftMs: number;
  keypadCode: string | undefined;
  keypadLine: number;
  product: string | undefined;
  productLine: number;
  legs: number;
  durationS: number;
  chargeMinor: number;
  typeSums: number[];
};

export const GROUP_COLUMNS = [
  ["account_id", "bigint"],
  ["conference_ext", "text"],
  ["line", "int"],
  ["room_id", "bigint"],
  ["other_room_id", "bigint"],
  ["joined_ms", "bigint"],
  ["left_ms", "bigint"],
  ["keypad_code", "text"],
  ["product", "text"],
  ["legs", "int"],
  ["duration_s", "bigint"],
  ["charge_minor", "bigint"],
] as const satisfies Columns;

/** A conference's key in a batch: its account and the bridge's conference id. */
export const groupKey = (accountId: number, conferenceExt: string) => `${accountId} ${conferenceExt}`;

/**
 * A chunk's legs grouped by conference as they are read, on the server's side of the connection:
 * the database receives one row per conference instead of grouping the chunk's legs itself, and
 * the daily rollup's figures per service type come from here (ReportDays).
 */
export class ConferenceGroups {
  /** By account, then by the bridge's conference id (no key string built per leg). */
  private readonly groups = new Map<number, Map<string, ConferenceGroup>>();

  add(leg: GroupedLeg): void {
    let account = this.groups.get(leg.accountId);
    if (!account) {
      account = new Map();
      this.groups.set(leg.accountId, account);
    }
    let g = account.get(leg.conferenceExt);
    if (!g) {
      g = {
        accountId: leg.accountId,
        conferenceExt: leg.conferenceExt,
        line: leg.line,
        roomId: leg.roomId,
        otherRoomId: leg.roomId,
        joinedMs: leg.joinedMs,
        leftMs: leg.leftMs,
        keypadCode: undefined,
        keypadLine: Infinity,
        product: undefined,
        productLine: Infinity,
        legs: 0,
        durationS: 0,
        chargeMinor: 0,
        typeSums: new Array<number>(serviceTypes.length * SUMS).fill(0),
      };
      account.set(leg.conferenceExt, g);
    }
    g.line = Math.min(g.line, leg.line);
    g.roomId = Math.min(g.roomId, leg.roomId);
    g.otherRoomId = Math.max(g.otherRoomId, leg.roomId);
    g.joinedMs = Math.min(g.joinedMs, leg.joinedMs);
    g.leftMs = Math.max(g.leftMs, leg.leftMs);
    if (leg.keypadCode !== undefined && leg.line < g.keypadLine) {
      g.keypadCode = leg.keypadCode;
      g.keypadLine = leg.line;
    }
    if (leg.product !== undefined && leg.line < g.productLine) {
      g.product = leg.product;
      g.productLine = leg.line;
    }
    g.legs++;
    g.durationS += leg.durationS;
    g.chargeMinor += leg.chargeMinor;
    const t = TYPE_OFFSET.get(leg.serviceType)!;
    g.typeSums[t]!++;
    g.typeSums[t + 1]! += leg.durationS;
    g.typeSums[t + 2]! += leg.billableS;
    g.typeSums[t + 3]! += leg.chargeMinor;
  }

  *conferences(): Generator<ConferenceGroup> {
    for (const account of this.groups.values()) yield* account.values();
  }

  /** One row per conference, in GROUP_COLUMNS order. */
  *conferenceRows(): Generator<Cell[]> {
    for (const g of this.conferences()) {
      yield [g.accountId, g.conferenceExt, g.line, g.roomId, g.otherRoomId, g.joinedMs, g.leftMs, g.keypadCode, g.product, g.legs, g.durationS, g.chargeMinor];
    }
  }
}

export const REPORT_DAY_COLUMNS = [
  ["account_id", "bigint"],
  ["day", "date"],
  ["room_id", "bigint"],
  ["product", "text"],
  ["service_type", "text"],
  ["conferences", "int"],
  ["legs", "int"],
  ["length_s", "bigint"],
  ["duration_s", "bigint"],
  ["billable_s", "bigint"],
  ["charge_minor", "bigint"],
  ["first_started_at", "timestamptz"],
  ["last_started_at", "timestamptz"],
] as const satisfies Columns;

/**
 * One (account, GMT day, room, product) bucket: the conferences' count, length and first and last
 * start (its '' row), and per service type the conferences, legs, seconds, billable seconds and
 * charge (TYPE_FIGURES each, in `serviceTypes` order).
 */
type DayBucket = {
  accountId: number;
  dayMs: number;
  roomId: number;
  product: string;
  conferences: number;
  lengthS: number;
  firstMs: number;
  lastMs: number;
  types: number[];
};

const TYPE_FIGURES = 5;

const DAY_MS = 86_400_000;

/**
 * What a batch's new conferences add to the daily rollup (report_days, migration 0005), per
 * account, GMT day of their start, room, product and service type: each conference counts once in
 * its bucket's '' row (with its length, first and last start) and once in the row of each service
 * type it has legs of. Added to the table once, at the end of the batch.
 */
export class ReportDays {
  private readonly buckets = new Map<string, DayBucket>();

  /**
   * A chunk's conferences, those stored before it (extended: their buckets are recomputed from the
   * stored rows) and those taken out of the batch left aside (`leftOut`, by `groupKey`). `productOf`
   * gives a room's product, the conference's when its legs name none.
   */
  add(groups: ConferenceGroups, leftOut: ReadonlySet<string>, productOf: (roomId: number) => string) {
    for (const g of groups.conferences()) {
      if (leftOut.size && leftOut.has(groupKey(g.accountId, g.conferenceExt))) continue;
      const dayMs = g.joinedMs - (((g.joinedMs % DAY_MS) + DAY_MS) % DAY_MS);
      const b = this.bucket(g.accountId, dayMs, g.roomId, g.product ?? productOf(g.roomId));
      b.conferences++;
      b.lengthS += Math.round((g.leftMs - g.joinedMs) / 1000);
      b.firstMs = Math.min(b.firstMs, g.joinedMs);
      b.lastMs = Math.max(b.lastMs, g.joinedMs);
      for (let i = 0; i < serviceTypes.length; i++) {
        const from = i * SUMS;
        if (!g.typeSums[from]) continue;
        const to = i * TYPE_FIGURES;
        b.types[to]!++;
        for (let k = 0; k < SUMS; k++) b.types[to + 1 + k]! += g.typeSums[from + k]!;
      }
    }
  }

  /** Adds another's figures to these. */
  addAll(other: ReportDays) {
    for (const o of other.buckets.values()) {
      const b = this.bucket(o.accountId, o.dayMs, o.roomId, o.product);
      b.conferences += o.conferences;
      b.lengthS += o.lengthS;
      b.firstMs = Math.min(b.firstMs, o.firstMs);
      b.lastMs = Math.max(b.lastMs, o.lastMs);
      for (let i = 0; i < b.types.length; i++) b.types[i]! += o.types[i]!;
    }
  }

  /** Rows in REPORT_DAY_COLUMNS order: each bucket's '' row (with its first and last start), then a row per service type it has legs of. */
  *rows(): Generator<Cell[]> {
    for (const b of this.buckets.values()) {
      const day = new Date(b.dayMs).toISOString().slice(0, 10);
      yield [b.accountId, day, b.roomId, b.product, "", b.conferences, 0, b.lengthS, 0, 0, 0, new Date(b.firstMs).toISOString(), new Date(b.lastMs).toISOString()];
      for (let i = 0; i < serviceTypes.length; i++) {
        const [conferences, legs, durationS, billableS, chargeMinor] = b.types.slice(i * TYPE_FIGURES, (i + 1) * TYPE_FIGURES);
        if (conferences) yield [b.accountId, day, b.roomId, b.product, serviceTypes[i], conferences, legs, 0, durationS, billableS, chargeMinor, undefined, undefined];
      }
    }
  }

  private bucket(accountId: number, dayMs: number, roomId: number, product: string): DayBucket {
    const key = `${accountId} ${dayMs} ${roomId} ${product}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { accountId, dayMs, roomId, product, conferences: 0, lengthS: 0, firstMs: Infinity, lastMs: -Infinity, types: new Array<number>(serviceTypes.length * TYPE_FIGURES).fill(0) };
      this.buckets.set(key, b);
    }
    return b;
  }
}
