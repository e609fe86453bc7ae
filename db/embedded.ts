import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The embedded database: PGlite in DATA_DIR, shared over a loopback socket so that the web server,
 * the admin CLI and the ingest command all reach it with `pg`, one driver and one transaction
 * discipline everywhere. Whichever process opens it first hosts it; the others connect.
 */

type HostInfo = { pid: number; port: number };

export type EmbeddedConnection = { url: string; close: () => Promise<void> };

const infoFile = (dataDir: string) => path.join(dataDir, "embedded.json");
const lockFile = (dataDir: string) => path.join(dataDir, "embedded.lock");
const urlFor = (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

async function runningHost(dataDir: string): Promise<HostInfo | undefined> {
  const info = readJson<HostInfo>(infoFile(dataDir));
  if (info && alive(info.pid) && (await reachable(info.port))) return info;
  return undefined;
}

/** Takes the host lock, clearing a lock left by a process that died. */
function tryLock(dataDir: string): boolean {
  const file = lockFile(dataDir);
  try {
    closeSync(openSync(file, "wx"));
    writeFileSync(file, String(process.pid));
    return true;
  } catch {
    const holder = Number(readFileSync(file, "utf8") || "0");
    if (holder && !alive(holder)) {
      rmSync(file, { force: true });
      return tryLock(dataDir);
    }
    return false;
  }
}

async function host(dataDir: string): Promise<EmbeddedConnection> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(path.join(dataDir, "pgdata"));
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 64 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  writeFileSync(infoFile(dataDir), JSON.stringify({ pid: process.pid, port } satisfies HostInfo));
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.stop();
    await db.close();
    rmSync(infoFile(dataDir), { force: true });
    rmSync(lockFile(dataDir), { force: true });
  };
  return { url: urlFor(port), close };
}

/**
 * Connects to the embedded database of `dataDir`, hosting it in this process when no other process
 * does. `close` stops hosting (a no-op for a mere client).
 */
export async function openEmbedded(dataDir: string): Promise<EmbeddedConnection> {
  mkdirSync(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 300; attempt++) {
    const running = await runningHost(dataDir);
    if (running) return { url: urlFor(running.port), close: async () => {} };
    if (tryLock(dataDir)) {
      try {
        return await host(dataDir);
      } catch (error) {
        rmSync(lockFile(dataDir), { force: true });
        throw error;
      }
    }
    await sleep(100); // another process is opening it: wait for its socket
  }
  throw new Error(`The embedded database in ${dataDir} is locked by another process that does not answer.`);
}
