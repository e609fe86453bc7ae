/**
 * The provider's parts, started on loopback for the scale-out test (scripts/cluster.ts): Debian's
 * PgBouncer in transaction mode and HAProxy in front of several web servers, and job workers as
 * `npm run worker` runs them. Each is a real process that the test may kill.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { freePort } from "./postgres";

export type Process = { pid: number; output: () => string; kill: (signal?: NodeJS.Signals) => Promise<void> };

const KEPT_LINES = 100;

/** Debian installs the services in /usr/sbin, which is not on every user's PATH. */
const service = (name: string) => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

/** Spawns a command in its own process group, keeping its last lines of output. */
function startProcess(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Process & { child: ChildProcess } {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  if (child.pid === undefined) throw new Error(`${command} did not start`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    pid: child.pid,
    output: () => lines.join("\n"),
    // The whole group: a worker started through tsx, or su's child.
    kill: async (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return;
      }
      await Promise.race([exited, sleep(15_000)]);
    },
  };
}

/** A directory the unprivileged services (PgBouncer runs as `postgres`) can read and write. */
function sharedDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

async function waitFor(what: string, ready: () => Promise<boolean>, process: Process, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (await ready().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${what} did not start within ${ms / 1000} s:\n${process.output()}`);
}

export type PgBouncer = Process & { url: (database: string) => string; close: () => Promise<void> };

/**
 * PgBouncer in transaction mode: each transaction may run on another server connection, so the
 * portal must keep no session state across transactions (docs/DEPLOY.md). `databases` maps a
 * name to its server's port; the name is also the server's database.
 */
export async function startPgBouncer(databases: Record<string, { port: number; dbname: string }>, options: { poolSize?: number } = {}): Promise<PgBouncer> {
  const dir = sharedDir("portal-pgbouncer-");
  const port = await freePort();
  const config = [
    "[databases]",
    ...Object.entries(databases).map(([name, d]) => `${name} = host=127.0.0.1 port=${d.port} dbname=${d.dbname}`),
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    "auth_type = trust",
    `auth_file = ${path.join(dir, "users.txt")}`,
    "pool_mode = transaction",
    `default_pool_size = ${options.poolSize ?? 20}`,
    "max_client_conn = 1000",
    // A dead server is told to the client within seconds, not after the defaults' quarter of a minute.
    "server_connect_timeout = 2",
    "server_login_retry = 1",
    "query_wait_timeout = 10",
    `logfile = ${path.join(dir, "pgbouncer.log")}`,
  ].join("\n");
  writeFileSync(path.join(dir, "pgbouncer.ini"), `${config}\n`, { mode: 0o644 });
  writeFileSync(path.join(dir, "users.txt"), '"postgres" ""\n', { mode: 0o644 });
  // PgBouncer refuses to run as root: -u drops to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const bouncer = startProcess(service("pgbouncer"), [...(asRoot ? ["-u", "postgres"] : []), path.join(dir, "pgbouncer.ini")]);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const first = Object.keys(databases)[0]!;
  await waitFor(
    "PgBouncer",
    async () => {
      const client = new pg.Client({ connectionString: url(first) });
      await client.connect();
      await client.end();
      return true;
    },
    bouncer,
  );
  return {
    ...bouncer,
    url,
    close: async () => {
      await bouncer.kill("SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type HaProxy = Process & { url: string; close: () => Promise<void> };

/**
 * HAProxy in front of the web servers: health-checked on /healthz each second, round robin, and a
 * request that found its server dead (refused, or cut before any answer) retried once on another.
 * Only GETs and HEADs are retried: a POST may have done its work before its server died.
 */
export async function startHaProxy(servers: { name: string; port: number }[], options: { port?: number } = {}): Promise<HaProxy> {
  const dir = sharedDir("portal-haproxy-");
  const port = options.port ?? (await freePort());
  const config = [
    "global",
    "  maxconn 2000",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 60s",
    "  timeout server 60s",
    // A loaded server may take a moment to answer its health check: it is down after three misses in a row, not one slow answer.
    "  timeout check 5s",
    "  retries 1",
    "  option redispatch 1",
    "  retry-on conn-failure empty-response response-timeout",
    "frontend portal",
    `  bind 127.0.0.1:${port}`,
    "  http-request disable-l7-retry unless METH_GET || METH_HEAD",
    "  default_backend web",
    "backend web",
    "  balance roundrobin",
    "  option httpchk GET /healthz",
    "  http-check expect status 200",
    "  default-server inter 1s fall 3 rise 2",
    ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`),
  ].join("\n");
  const file = path.join(dir, "haproxy.cfg");
  writeFileSync(file, `${config}\n`);
  const proxy = startProcess(service("haproxy"), ["-f", file, "-db"]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor("HAProxy", async () => (await fetch(`${url}/healthz`)).status === 200, proxy, 30_000);
  return {
    ...proxy,
    url,
    close: async () => {
      await proxy.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `npm run worker`: a job worker process on the shared database. */
export function startWorkerProcess(root: string, env: Record<string, string>): Process {
  return startProcess(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "worker.ts")], { cwd: root, env: { ...process.env, ...env } });
}
