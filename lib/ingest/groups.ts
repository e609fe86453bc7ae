import type { StagedLeg } from "./staging";

/** A conference's legs of one service type in a chunk, summed. */
type TypeSums = { legs: number; durationS: number; billableS: number; chargeMinor: number };

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
  types: Map<string, TypeSums>;
};

/** Column names and types of the tables a chunk's groups are written to (`ingest_groups`, `ingest_legs_by_type`). */
export type Columns = readonly (readonly [name: string, type: string])[];

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

export const TYPE_COLUMNS = [
  ["account_id", "bigint"],
  ["conference_ext", "text"],
  ["service_type", "text"],
  ["legs", "int"],
  ["duration_s", "bigint"],
  ["billable_s", "bigint"],
  ["charge_minor", "bigint"],
] as const satisfies Columns;

export type Cell = string | number | undefined;

/**
 * A chunk's legs grouped by conference as they are read (one pass, in the read loop's core), so
 * the database receives one row per conference and one per conference and service type instead
 * of grouping the chunk's legs itself.
 */
export class ConferenceGroups {
  private readonly groups = new Map<string, ConferenceGroup>();

  get size(): number {
    return this.groups.size;
  }

  add(leg: StagedLeg): void {
    const key = `${leg.accountId} ${leg.conferenceExt}`;
    let g = this.groups.get(key);
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
        types: new Map(),
      };
      this.groups.set(key, g);
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
    let t = g.types.get(leg.serviceType);
    if (!t) {
      t = { legs: 0, durationS: 0, billableS: 0, chargeMinor: 0 };
      g.types.set(leg.serviceType, t);
    }
    t.legs++;
    t.durationS += leg.durationS;
    t.billableS += leg.billableS;
    t.chargeMinor += leg.chargeMinor;
  }

  /** One row per conference, in GROUP_COLUMNS order. */
  *conferenceRows(): Generator<Cell[]> {
    for (const g of this.groups.values()) {
      yield [g.accountId, g.conferenceExt, g.line, g.roomId, g.otherRoomId, g.joinedMs, g.leftMs, g.keypadCode, g.product, g.legs, g.durationS, g.chargeMinor];
    }
  }

  /** One row per conference and service type, in TYPE_COLUMNS order. */
  *typeRows(): Generator<Cell[]> {
    for (const g of this.groups.values()) {
      for (const [serviceType, t] of g.types) yield [g.accountId, g.conferenceExt, serviceType, t.legs, t.durationS, t.billableS, t.chargeMinor];
    }
  }
}
