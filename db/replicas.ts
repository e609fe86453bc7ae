/**
 * Read replicas (DATABASE_REPLICA_URL): which server a read goes to. `getDb()` (db/client.ts) is the
 * primary, for writes and for whatever must see the latest commit; `readDatabase()` here is for
 * reads that may be a moment old, and picks a replica that is up, not lagging and, when the reader
 * wrote a moment ago (`lastWrite`), has replayed that write — else the primary.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { drizzle } from "drizzle-orm/node-postgres";
import { Pool, type PoolClient, type QueryConfig, type QueryResult } from "pg";
import { getDb, type Database } from "./client";
import { configuredReplicaUrls } from "./env";
import * as schema from "./schema";

/** A replica further behind the primary than this serves no reads. */
const MAX_LAG_MS = 5_000;
/** How long a read waits for a replica to replay the reader's last write before it reads from the primary. */
export const REPLAY_WAIT_MS = 200;
/** A replica that failed is left alone this long, then checked again in the background. */
const DOWN_FOR_MS = 5_000;
/** A replica's position and lag are re-read this often, on use. */
const CHECK_EVERY_MS = 1_000;
/** A replica that does not take a connection in this time is down: a dead one never holds a page long. */
const CONNECT_TIMEOUT_MS = 1_000;
const POLL_EVERY_MS = 10;

type ReplicaStatus = "unknown" | "up" | "lagging" | "down";

/** A WAL position ("16/B374D848") as a number; undefined for anything else. */
export function parseLsn(text: string | undefined | null): bigint | undefined {
  const m = text ? /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i.exec(text) : null;
  return m ? (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`) : undefined;
}

/** Where a server is in the primary's WAL: replayed so far on a replica, written so far on a primary. */
const POSITION_SQL = "select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn";

/** A replica, as the process last saw it. */
class Replica {
  readonly pool: Pool;
  readonly db: Database;
  status: ReplicaStatus = "unknown";
  /** How far behind the primary it was at the last check (ms). */
  lagMs: number | undefined;
  replayed = 0n;
  checkedAt = 0;
  downUntil = 0;
  checking: Promise<void> | undefined;
  reading: Promise<bigint | undefined> | undefined;

  constructor(
    readonly name: string,
    url: string,
  ) {
    this.pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true, application_name: "portal-replica-read" });
    // An idle client's error (the replica went away) must not crash the process; the next use marks it down.
    this.pool.on("error", () => {});
    this.db = drizzle(new ReplicaPool(this) as unknown as Pool, { schema }) as Database;
  }

  failed(): void {
    this.status = "down";
    this.lagMs = undefined;
    this.checkedAt = Date.now();
    this.downUntil = this.checkedAt + DOWN_FOR_MS;
  }

  /** The replayed position now, read once however many reads wait for it; undefined (and down) when it fails. */
  position(): Promise<bigint | undefined> {
    this.reading ??= this.pool
      .query<{ lsn: string }>(POSITION_SQL)
      .then(({ rows }) => {
        const lsn = parseLsn(rows[0]?.lsn) ?? 0n;
        if (lsn > this.replayed) this.replayed = lsn;
        return lsn;
      })
      .catch(() => {
        this.failed();
        return undefined;
      })
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}

/** How a query's failure on a replica is taken: the replica is gone, or replay cancelled the query, or neither. */
function replicaFailure(error: unknown): "down" | "conflict" | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  // 40001 on a replica: "canceling statement due to conflict with recovery"; the primary has no such conflict.
  if (code === "40001" && /recovery/i.test(error.message)) return "conflict";
  if (typeof code === "string" && (/^08/.test(code) || ["57P01", "57P02", "57P03", "ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"].includes(code))) return "down";
  return /Connection terminated|timeout exceeded when trying to connect|not queryable/i.test(error.message) ? "down" : undefined;
}

/**
 * What a replica's Database reads through: the replica's pool, or, when the replica turns out to be
 * dead (or replay cancels the query), the primary's, once. A read is safe to repeat; rows already
 * streamed from a cursor are not, so a cursor is only moved to the primary when it cannot connect.
 * (Drizzle takes any client whose class name says "Pool" as a pool: `connect()` for a transaction.)
 */
class ReplicaPool {
  constructor(private readonly replica: Replica) {}

  async query(config: QueryConfig | string, values?: unknown[]): Promise<QueryResult> {
    try {
      return await this.replica.pool.query(config, values);
    } catch (error) {
      const failure = replicaFailure(error);
      if (!failure) throw error;
      if (failure === "down") this.replica.failed();
      return (await getDb()).$client.query(config, values);
    }
  }

  async connect(): Promise<PoolClient> {
    try {
      return await this.replica.pool.connect();
    } catch (error) {
      if (replicaFailure(error) !== "down") throw error;
      this.replica.failed();
      return (await getDb()).$client.connect();
    }
  }
}

/** The primary's WAL position at moments of the last few seconds: a replica's lag is how old the newest one it has replayed is. */
type Sample = { at: number; lsn: bigint };

class Replicas {
  readonly list: Replica[];
  private next = 0;
  private samples: Sample[] = [];
  private sampling: Promise<void> | undefined;

  constructor(urls: string[]) {
    this.list = urls.map((url, i) => new Replica(nameOf(url, i), url));
  }

  /** Reads the primary's position, at most once a check interval, shared by every replica's check. */
  private samplePrimary(): Promise<void> {
    const last = this.samples.at(-1);
    if (last && Date.now() - last.at < CHECK_EVERY_MS / 2) return Promise.resolve();
    this.sampling ??= (async () => {
      const at = Date.now();
      const lsn = parseLsn(await primaryPosition());
      if (lsn !== undefined) this.samples = [...this.samples.filter((s) => s.at > at - 2 * MAX_LAG_MS), { at, lsn }];
    })()
      // The primary unreachable: the lag is judged on the samples there are, which age.
      .catch(() => {})
      .finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  /** How far behind a replica that has replayed `lsn` is, at `at`: the age of the newest primary position it has reached. */
  private lagOf(lsn: bigint, at: number): number {
    const reached = this.samples.findLast((s) => s.lsn <= lsn);
    return reached ? Math.max(0, at - reached.at) : Infinity;
  }

  /** Re-reads a replica's position and lag (once at a time): up, lagging, or down when it does not answer. */
  check(replica: Replica): Promise<void> {
    replica.checking ??= (async () => {
      await this.samplePrimary();
      const lsn = await replica.position();
      if (lsn === undefined) return;
      replica.checkedAt = Date.now();
      replica.lagMs = this.lagOf(lsn, replica.checkedAt);
      replica.status = replica.lagMs > MAX_LAG_MS ? "lagging" : "up";
    })().finally(() => (replica.checking = undefined));
    return replica.checking;
  }

  /**
   * A replica for a read, in turn, or undefined (read from the primary). A replica never seen is
   * checked first (bounded by the connect timeout); a stale state is refreshed in the background; a
   * down one is retried in the background once its time is up, never while a page waits. With
   * `lastWrite`, only a replica that has replayed it, waited for up to REPLAY_WAIT_MS.
   */
  async choose(lastWrite?: bigint): Promise<Replica | undefined> {
    const now = Date.now();
    await Promise.all(this.list.filter((r) => r.status === "unknown").map((r) => this.check(r)));
    for (const r of this.list) {
      const due = r.status === "down" ? now >= r.downUntil : now - r.checkedAt >= CHECK_EVERY_MS;
      if (due) void this.check(r);
    }
    const start = this.next++ % this.list.length;
    const inTurn = [...this.list.slice(start), ...this.list.slice(0, start)];
    const up = () => inTurn.filter((r) => r.status === "up");
    if (lastWrite === undefined) return up()[0];
    const deadline = now + REPLAY_WAIT_MS;
    for (;;) {
      const ready = up().find((r) => r.replayed >= lastWrite);
      if (ready || !up().length || Date.now() >= deadline) return ready;
      await sleep(POLL_EVERY_MS);
      await Promise.race([Promise.all(up().map((r) => r.position())), sleep(Math.max(0, deadline - Date.now()))]);
    }
  }
}

/** A replica's name for the health report and the logs: its host, port and database, never its password. */
function nameOf(url: string, index: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return `replica ${index + 1}`;
  }
}

type Cache = { replicas?: Replicas | null };
const cache = globalThis as typeof globalThis & { __portalReplicas?: Cache };

/** The configured replicas, or null when there are none. */
function replicas(): Replicas | null {
  const c = (cache.__portalReplicas ??= {});
  if (c.replicas === undefined) {
    const urls = configuredReplicaUrls();
    c.replicas = urls.length ? new Replicas(urls) : null;
  }
  return c.replicas;
}

const primaryOnly = new AsyncLocalStorage<true>();

/**
 * Runs `work` with every read on the primary: the job worker's runs (a scheduled report reads what
 * was just ingested) and anything that reads to decide a write.
 */
export function readingFromPrimary<T>(work: () => T): T {
  return primaryOnly.run(true, work);
}

/**
 * The database a read goes to: a replica that is up and less than MAX_LAG_MS behind, in turn; with
 * `lastWrite` (a WAL position, from `primaryPosition()` after the reader's last write), only one
 * that has replayed it, waited for a moment; else the primary. The primary too without replicas,
 * and inside `readingFromPrimary`.
 */
export async function readDatabase(lastWrite?: string): Promise<Database> {
  const set = primaryOnly.getStore() ? null : replicas();
  const replica = await set?.choose(parseLsn(lastWrite));
  return replica?.db ?? getDb();
}

/** The primary's WAL position now (after a write's commit: a position that includes it); undefined without replicas. */
export async function primaryPosition(): Promise<string | undefined> {
  if (!replicas()) return undefined;
  const { rows } = await (await getDb()).$client.query<{ lsn: string }>("select pg_current_wal_lsn()::text as lsn");
  return rows[0]?.lsn;
}

export type ReplicaHealth = { name: string; state: "up" | "lagging" | "down"; lagMs?: number };

/** Each replica's state, checked now (bounded by the connect timeout): for /healthz. */
export async function replicaHealth(): Promise<ReplicaHealth[]> {
  const set = replicas();
  if (!set) return [];
  await Promise.all(set.list.map((r) => set.check(r)));
  return set.list.map((r) => ({
    name: r.name,
    state: r.status === "up" || r.status === "lagging" ? r.status : "down",
    ...(r.lagMs !== undefined && Number.isFinite(r.lagMs) ? { lagMs: r.lagMs } : {}),
  }));
}

/** Closes the replicas' connections and forgets them (tests; the next use reads DATABASE_REPLICA_URL again). */
export async function closeReplicas(): Promise<void> {
  const set = cache.__portalReplicas?.replicas;
  if (cache.__portalReplicas) cache.__portalReplicas.replicas = undefined;
  await Promise.all((set?.list ?? []).map((r) => r.pool.end()));
}
