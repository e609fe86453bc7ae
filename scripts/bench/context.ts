/**
 * What every benchmark module shares: the options, a logger, its own throwaway PostgreSQL, and a
 * list of things to stop (servers, pools, PostgreSQL) that runs when the module ends however it
 * ends, and from the orchestrator's signal handler on Ctrl-C.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { createDb, type Database } from "../../db/client";
import { applyMigrations } from "../../db/migrate";
import { startEmbeddedPostgres, startPostgres, type TempPostgres } from "../lib/postgres";

export const BENCHMARKS = ["account", "drilldown", "statement", "ingest", "reports", "demo", "api", "cluster", "purge", "provider"] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Debian's PostgreSQL as an external DATABASE_URL, or the embedded one as `npm start` runs it. */
export const SERVERS = ["debian", "embedded"] as const;
export type ServerName = (typeof SERVERS)[number];

export type BenchOptions = {
  only: BenchmarkName[];
  /** The server this run measures on (the orchestrator runs each benchmark once per server asked for). */
  server: ServerName;
  /** Account summary: 1 → 2,000 rooms, about 5 M legs. */
  scale: number;
  requests: number;
  warmup: number;
  connections: number;
  sqlRuns: number;
  naiveRuns: number;
  /** Sequential requests (concurrency 1) per case: the service time without queueing. */
  serial: number;
  /** CPU-profile a second server under the same work. */
  profile: boolean;
  seed: number | undefined;
  /** Drill-down: the background tenant's scale (rooms × 12 months beside the two drill-down rooms). */
  drilldownScale: number;
  drilldownConferences: number;
  drilldownLegs: number;
  statementRows: number;
  /** Statement: minutes the SheetJS baseline may run before it is stopped (its state then is its result). */
  sheetjsLimitMinutes: number;
  ingestLegs: number;
  /** Usage API: conferences in the month paged through (1,000,000 for the full size). */
  apiConferences: number;
  /** Provider scale: legs in all once the provider's other accounts are added. */
  providerLegs: number;
  /** Reports: sequential page loads per report type. */
  reportRequests: number;
  /** Reports: an Excel download or cursor read stops after this many seconds. */
  reportExcelLimit: number;
};

export type BenchContext = {
  root: string;
  now: Date;
  /** The command as typed, for the report. */
  command: string;
  options: BenchOptions;
  log: (line: string) => void;
};

type Step = { label: string; stop: () => Promise<void> };

/** Things to stop, in reverse order of start. */
export type Resources = {
  /** Registers a stop step; the returned function runs it now (once) and forgets it. */
  add: (label: string, stop: () => Promise<void>) => () => Promise<void>;
};

const active = new Set<() => Promise<void>>();

/** Runs `work`; whatever it registered is stopped when it ends, each step on its own. */
export async function withResources<T>(work: (resources: Resources) => Promise<T>): Promise<T> {
  const steps: Step[] = [];
  const run = async (step: Step) => {
    const index = steps.indexOf(step);
    if (index < 0) return;
    steps.splice(index, 1);
    // One failing step must not leave the others running.
    await step.stop().catch((error: unknown) => console.error(`stopping ${step.label}:`, error));
  };
  const stopAllSteps = async () => {
    // Bounded: each pass removes one step.
    for (let guard = steps.length; guard > 0 && steps.length > 0; guard--) await run(steps.at(-1)!);
  };
  active.add(stopAllSteps);
  try {
    return await work({
      add(label, stop) {
        const step = { label, stop };
        steps.push(step);
        return () => run(step);
      },
    });
  } finally {
    active.delete(stopAllSteps);
    await stopAllSteps();
  }
}

/** From a signal handler: stops what every running module registered. */
export async function stopEverything(): Promise<void> {
  await Promise.all([...active].map((stop) => stop()));
}

/** `version`: the server's version and how it runs, for the machine line. */
export type BenchDatabase = { postgres: TempPostgres; url: string; db: Database; version: string };

/**
 * A throwaway PostgreSQL with the migrations applied, stopped with the module. Each benchmark has
 * its own, so its figures do not depend on which others ran before it. Debian's is tuned for the
 * large tenants (fsync off, shared_buffers 2GB); the embedded one runs as `npm start` runs it
 * (fsync on, its default 128MB of shared_buffers), with only the benchmark's own `settings`.
 */
export async function startDatabase(resources: Resources, server: ServerName, settings: Record<string, string> = {}): Promise<BenchDatabase> {
  const postgres =
    server === "embedded"
      ? await startEmbeddedPostgres({ settings, defaults: true })
      : await startPostgres({ settings: { shared_buffers: "2GB", effective_cache_size: "12GB", maintenance_work_mem: "512MB", ...settings } });
  resources.add("PostgreSQL", () => postgres.stop());
  const url = postgres.url();
  const db = createDb(url, 4);
  resources.add("the database pool", () => db.$client.end());
  await applyMigrations(db);
  const number = (await db.$client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ?? "?";
  const how = server === "embedded" ? "embedded, from npm, as npm start runs it: fsync on, shared_buffers 128MB" : "Debian's, throwaway, fsync off, shared_buffers 2GB";
  return { postgres, url, db, version: `${number} (${how})` };
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function timed<T>(log: (line: string) => void, label: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  log(`${label}…`);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  log(`${label}: ${seconds(ms)}`);
  return { value, ms };
}

/** One line describing the machine, for every section; `pgVersion` as startDatabase gives it. */
export function machineLine(pgVersion: string): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(2)} GiB RAM; Node ${process.version}; PostgreSQL ${pgVersion}; the load generator, the server and PostgreSQL on the same machine`;
}

/** Local date of `now`, for the section headings. */
export const isoDate = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Watches for another `next build` running on the machine (the tree is shared): it takes a core
 * or more for a minute and disturbs any figure measured meanwhile. `stop()` says whether one was seen.
 */
export function watchForBuilds(intervalMs = 1000): { stop: () => boolean; seen: () => boolean } {
  let seen = false;
  const scan = () => {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ");
        if (cmdline.startsWith("next-build") || /next(\/dist\/bin\/next)? build\b/.test(cmdline)) seen = true;
      } catch {
        // The process ended while the list was read.
      }
    }
  };
  scan();
  const timer = setInterval(scan, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return seen;
    },
    /** Whether a build has been seen so far (the watch goes on). */
    seen: () => seen,
  };
}

export const BUILD_NOTE = "**Another `next build` ran on the machine during the run** (the tree is shared): the figures are disturbed; run again.";
