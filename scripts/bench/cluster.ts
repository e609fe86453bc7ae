/**
 * `--only cluster`: the account summary of the 2,000-room tenant (`--scale`) served the provider's
 * way, through HAProxy and PgBouncer in transaction mode, with a streaming replica: one web server
 * beside two, and pages read from the primary beside the replica — each case in the same run, at
 * `--connections`. Everything shares this machine's cores, so two web servers can only show what a
 * second process costs or gains here, not a second machine's capacity.
 */
import { addMonths, periodOf, toUrlPeriod } from "../../lib/periods";
import { startHaProxy, startPgBouncer } from "../lib/cluster";
import { freePort, startPostgres, startReplica } from "../lib/postgres";
import { BUILD_NOTE, isoDate, machineLine, withResources, type BenchContext, type Resources } from "./context";
import { runHttp, type HttpRun } from "./load";
import { startServer } from "./server";
import { generateBenchTenant, loginAsOwner, watchBuild } from "./setup";
import { formatCount, formatMs, markdownTable } from "./stats";
import { createDb } from "../../db/client";
import { applyMigrations } from "../../db/migrate";

const SETTINGS = { max_connections: "300", shared_buffers: "2GB", effective_cache_size: "12GB", maintenance_work_mem: "512MB" };

type Case = { name: string; webs: number; replica: boolean; run?: HttpRun };

/** The primary with the tenant, its replica, and PgBouncer in front of both. */
async function startDatabases(resources: Resources, ctx: BenchContext) {
  const primary = await startPostgres({ settings: SETTINGS });
  resources.add("the primary", primary.stop);
  const db = createDb(primary.url(), 4);
  resources.add("the database pool", () => db.$client.end());
  await applyMigrations(db);
  const tenant = (await generateBenchTenant(db, ctx)).value;
  await db.$client.query("vacuum (analyze)");
  const replica = await startReplica(primary, { settings: SETTINGS });
  resources.add("the replica", replica.stop);
  const bouncer = await startPgBouncer({ portal: { port: primary.port, dbname: "postgres" }, portal_replica: { port: replica.port, dbname: "postgres" } }, { poolSize: 40 });
  resources.add("PgBouncer", bouncer.close);
  const version = `${(await primary.version()).replace(/^PostgreSQL /, "")} (Debian's, throwaway, fsync off, shared_buffers 2GB), a streaming replica, PgBouncer 1.18 in transaction mode`;
  return { tenant, bouncer, version };
}

/** One case: its web servers behind a new HAProxy, loaded at --connections. */
async function measure(resources: Resources, ctx: BenchContext, c: Case, env: Record<string, string>, path: string, tenant: Parameters<typeof loginAsOwner>[1]): Promise<HttpRun> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const proxyPort = await freePort();
    const ports: number[] = [];
    for (let i = 0; i < c.webs; i++) {
      const port = await freePort();
      const server = await startServer({ root: ctx.root, port, databaseUrl: env.DATABASE_URL!, env: { ...env, WORKER: "0", TRUST_PROXY: "1", APP_URL: `http://127.0.0.1:${proxyPort}`, NEXTAUTH_URL: `http://127.0.0.1:${proxyPort}`, ...(c.replica ? {} : { DATABASE_REPLICA_URL: "" }) } });
      stops.push(resources.add(`web server ${i + 1}`, server.stop));
      ports.push(port);
    }
    const proxy = await startHaProxy(ports.map((port, i) => ({ name: `web${i + 1}`, port })), { port: proxyPort });
    stops.push(resources.add("HAProxy", proxy.close));
    const cookie = await loginAsOwner(proxy.url, tenant);
    const { options, log } = ctx;
    await runHttp({ url: `${proxy.url}${path}`, cookie, connections: options.connections, amount: options.warmup });
    const run = await runHttp({ url: `${proxy.url}${path}`, cookie, connections: options.connections, amount: options.requests, verifyBody: (body) => body.includes(tenant.accountNumber) });
    log(`${c.name}: p50 ${formatMs(run.latency.p50)} ms, p95 ${formatMs(run.latency.p95)} ms, ${run.latency.perSecond.toFixed(1)} req/s, ${run.mismatches + run.errors} wrong or failed`);
    return run;
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** Runs the scale-out benchmark and returns its Markdown section. */
export function runCluster(ctx: BenchContext): Promise<string> {
  const { options, now } = ctx;
  const period = addMonths(periodOf(now, "Europe/Paris"), -1);
  const path = `/account?period=${toUrlPeriod(period)}`;
  return withResources(async (resources) => {
    const builds = watchBuild(resources, ctx.root);
    const { tenant, bouncer, version } = await startDatabases(resources, ctx);
    const secret = "0123456789abcdef".repeat(4);
    const env = {
      DATABASE_URL: bouncer.url("portal"),
      DATABASE_REPLICA_URL: bouncer.url("portal_replica"),
      AUTH_SECRET: secret,
      NEXTAUTH_SECRET: secret,
      ENCRYPTION_KEY: secret,
    };
    const cases: Case[] = [
      { name: "1 web server, reads on the primary", webs: 1, replica: false },
      { name: "1 web server, reads on the replica", webs: 1, replica: true },
      { name: "2 web servers, reads on the primary", webs: 2, replica: false },
      { name: "2 web servers, reads on the replica", webs: 2, replica: true },
    ];
    for (const c of cases) c.run = await measure(resources, ctx, c, env, path, tenant);
    const notes = builds.stop() ? [BUILD_NOTE] : [];
    const rows = cases.map((c) => [c.name, formatMs(c.run!.latency.p50), formatMs(c.run!.latency.p95), formatMs(c.run!.latency.p99), c.run!.latency.perSecond.toFixed(1), formatCount(c.run!.mismatches + c.run!.errors + c.run!.timeouts)]);
    return [
      `### Scale-out: the account summary through HAProxy and PgBouncer (${isoDate(now)})`,
      "",
      `\`${ctx.command}\` — ${machineLine(version)}. Tenant ${tenant.accountNumber}: ${formatCount(tenant.counts.rooms)} rooms, ${formatCount(tenant.counts.legs)} legs; \`${path}\`, ${options.requests} requests at concurrency ${options.connections} after ${options.warmup} of warm-up, each case on new web servers.`,
      "",
      markdownTable([["Case", "p50 ms", "p95 ms", "p99 ms", "req/s", "wrong or failed"], ...rows], ["l", "r", "r", "r", "r", "r"]),
      "",
      "The web servers, PostgreSQL, its replica, PgBouncer, HAProxy and the load generator share the machine's two cores: a second web server or the replica takes cores from the others rather than adding any.",
      ...notes.map((n) => `\n${n}`),
    ].join("\n");
  });
}
