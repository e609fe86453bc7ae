/**
 * `npm run bench [-- --only account,drilldown,statement,ingest,reports,demo,api,cluster,purge,provider] [options]`: the portal's benchmarks,
 * each against its own throwaway PostgreSQL and the production build served by `next start`, each
 * beside a baseline measured in the same run, each printing a Markdown section for docs/BENCHMARKS.md.
 *
 * - account   (scripts/bench/account.ts)   the account summary of a 2,000-room tenant, beside its SQL
 * - drilldown (scripts/bench/drilldown.ts) a room with 2,000 conferences and a 300-participant conference, beside their SQL
 * - statement (scripts/bench/statement.ts) a 1,000,000-line monthly statement download, beside SheetJS and plain CSV
 * - ingest    (scripts/bench/ingest.ts)    1,000,000 legs through POST /api/v1/cdrs, beside a raw COPY
 * - reports   (scripts/bench/reports.ts)   the nine reports over 12 months of the 2,000-room tenant, beside their SQL
 * - demo      (scripts/bench/demo.ts)      the nine reports of the demo account, then after 50,000 more legs
 * - api       (scripts/bench/api.ts)       GET /api/v1/usage/conferences paging through a month of 200,000
 *                                          conferences (--api-conferences 1000000: the full size), beside its SQL
 * - cluster   (scripts/bench/cluster.ts)   the account summary through HAProxy and PgBouncer: 1 vs 2 web servers,
 *                                          reads on the primary vs a streaming replica (Debian's PostgreSQL only)
 * - purge     (scripts/bench/purge.ts)     the monthly retention purge at 5,000,000 legs: partition drop beside DELETE
 * - provider  (scripts/bench/provider.ts)  the 2,000-room tenant and a small account alone, then among 10,000
 *                                          accounts and 20,000,000 legs (--provider-legs): does their cost grow?
 *
 * --servers debian,embedded runs each benchmark on Debian's PostgreSQL (as an external DATABASE_URL)
 * and on the embedded one as `npm start` runs it, one after the other (default: debian).
 *
 * Options: --scale (account tenant, 1 = 2,000 rooms), --requests, --warmup, --connections, --serial,
 * --sql-runs, --naive-runs, --profile (CPU-profile a second server), --seed, --drilldown-scale,
 * --drilldown-conferences, --drilldown-legs, --statement-rows, --sheetjs-limit (minutes), --ingest-legs,
 * --report-requests, --report-excel-limit (seconds), --api-conferences, --provider-legs.
 */
import { parseArgs } from "node:util";
import { runAccount } from "./bench/account";
import { runApi } from "./bench/api";
import { runCluster } from "./bench/cluster";
import { BENCHMARKS, SERVERS, stopEverything, type BenchContext, type BenchmarkName, type BenchOptions, type ServerName } from "./bench/context";
import { runDemo } from "./bench/demo";
import { runDrilldown } from "./bench/drilldown";
import { runIngest } from "./bench/ingest";
import { runPurge } from "./bench/purge";
import { runProvider } from "./bench/provider";
import { runReports } from "./bench/reports";
import { ensureBuild } from "./bench/server";
import { runStatement } from "./bench/statement";

const RUNNERS: Record<BenchmarkName, (ctx: BenchContext) => Promise<string>> = {
  account: runAccount,
  drilldown: runDrilldown,
  statement: runStatement,
  ingest: runIngest,
  reports: runReports,
  demo: runDemo,
  api: runApi,
  cluster: runCluster,
  purge: runPurge,
  provider: runProvider,
};

/** The command line's options, with the defaults of a full run. */
const OPTIONS = {
  only: { type: "string", default: BENCHMARKS.join(",") },
  servers: { type: "string", default: "debian" },
  scale: { type: "string", default: "1" },
  requests: { type: "string", default: "500" },
  warmup: { type: "string", default: "50" },
  connections: { type: "string", default: "10" },
  "sql-runs": { type: "string" },
  "naive-runs": { type: "string", default: "100" },
  serial: { type: "string", default: "30" },
  profile: { type: "boolean", default: false },
  seed: { type: "string" },
  "drilldown-scale": { type: "string", default: "0.05" },
  "drilldown-conferences": { type: "string", default: "2000" },
  "drilldown-legs": { type: "string", default: "300" },
  "statement-rows": { type: "string", default: "1000000" },
  "sheetjs-limit": { type: "string", default: "5" },
  "ingest-legs": { type: "string", default: "1000000" },
  "api-conferences": { type: "string", default: "200000" },
  "report-requests": { type: "string", default: "10" },
  "provider-legs": { type: "string", default: "20000000" },
  "report-excel-limit": { type: "string", default: "60" },
} as const;

function number(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got ${value}`);
  return n;
}

const integer = (name: string, value: string | undefined, min: number) => Math.round(number(name, value, min));

/** The benchmarks asked for by --only, in the order of BENCHMARKS, each once, whatever the order typed. */
function parseOnly(value: string | undefined): BenchmarkName[] {
  const only = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length || only.length === 0) throw new Error(`--only takes a comma-separated list of ${BENCHMARKS.join(", ")}; got ${value}`);
  return BENCHMARKS.filter((name) => only.includes(name));
}

/** The servers asked for by --servers, in the order of SERVERS. */
function parseServers(value: string | undefined): ServerName[] {
  const servers = (value ?? "").split(",").map((s) => s.trim());
  if (!servers.length || servers.some((s) => !(SERVERS as readonly string[]).includes(s))) throw new Error(`--servers takes a comma-separated list of ${SERVERS.join(", ")}; got ${value}`);
  return SERVERS.filter((name) => servers.includes(name));
}

function parseOptions(argv: string[]): Omit<BenchOptions, "server"> & { servers: ServerName[] } {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  const only = parseOnly(values.only);
  const servers = parseServers(values.servers);
  const requests = integer("requests", values.requests, 1);
  return {
    servers,
    only,
    scale: number("scale", values.scale, 0.0005),
    requests,
    warmup: integer("warmup", values.warmup, 0),
    connections: integer("connections", values.connections, 1),
    sqlRuns: integer("sql-runs", values["sql-runs"] ?? String(requests), 1),
    naiveRuns: integer("naive-runs", values["naive-runs"], 1),
    serial: integer("serial", values.serial, 0),
    profile: values.profile ?? false,
    seed: values.seed === undefined ? undefined : integer("seed", values.seed, 0),
    drilldownScale: number("drilldown-scale", values["drilldown-scale"], 0.0005),
    drilldownConferences: integer("drilldown-conferences", values["drilldown-conferences"], 1),
    drilldownLegs: integer("drilldown-legs", values["drilldown-legs"], 1),
    statementRows: integer("statement-rows", values["statement-rows"], 1),
    sheetjsLimitMinutes: number("sheetjs-limit", values["sheetjs-limit"], 0.01),
    ingestLegs: integer("ingest-legs", values["ingest-legs"], 1),
    apiConferences: integer("api-conferences", values["api-conferences"], 1),
    reportRequests: integer("report-requests", values["report-requests"], 1),
    providerLegs: integer("provider-legs", values["provider-legs"], 1),
    reportExcelLimit: number("report-excel-limit", values["report-excel-limit"], 1),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = process.cwd();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const log = (line: string) => console.log(line);
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping the servers and PostgreSQL…`);
    void stopEverything().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  // The purge benchmark needs no web server, hence no build.
  if (options.only.some((name) => name !== "purge")) await ensureBuild(root, log);
  const sections: string[] = [];
  const failed: string[] = [];
  for (const name of options.only) {
    for (const server of options.servers) {
      const label = options.servers.length > 1 ? `${name} on ${server}` : name;
      log(`\n===== ${label} =====`);
      try {
        const section = await RUNNERS[name]({ root, now: new Date(), command, options: { ...options, server }, log });
        sections.push(section);
        // Printed at once, so that a later benchmark failing does not lose this one's figures.
        console.log(`\n----- Markdown (${label}) for docs/BENCHMARKS.md -----\n\n${section}\n`);
      } catch (error) {
        // The other benchmarks still run: they have their own database and server.
        failed.push(label);
        console.error(`${label} failed:`, error instanceof Error ? (error.stack ?? error.message) : error);
      }
    }
  }
  if (sections.length > 1) console.log(`\n----- Markdown for docs/BENCHMARKS.md (all sections) -----\n\n${sections.join("\n\n")}\n`);
  if (failed.length) {
    console.error(`Failed: ${failed.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
