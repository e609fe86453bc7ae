/**
 * The production build served by the portal's server (scripts/serve.ts) against the benchmark's
 * database, as `npm start` serves it outside demo mode.
 */
import { spawn, spawnSync, type ChildProcess, type ChildProcessByStdio } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

const nextBin = (root: string) => path.join(root, "node_modules", "next", "dist", "bin", "next");

const buildIdFile = (root: string) => path.join(root, ".next", "BUILD_ID");
const BUILD_WAIT_MS = 10 * 60_000;

/** The current build's id, or undefined when there is none (or one is being written). */
export function buildId(root: string): string | undefined {
  try {
    return readFileSync(buildIdFile(root), "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * Builds only when there is no build at all, since another build may run in this tree at any time;
 * when that other build holds Next's build lock, waits (bounded) for its BUILD_ID instead.
 */
export async function ensureBuild(root: string, log: (line: string) => void): Promise<void> {
  if (existsSync(buildIdFile(root))) return;
  log("No production build (.next/BUILD_ID): running next build…");
  const build = spawnSync(process.execPath, [nextBin(root), "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (build.status === 0) return;
  log("next build failed; waiting for another build in progress to finish…");
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (Date.now() < deadline) {
    if (existsSync(buildIdFile(root))) return;
    await sleep(2_000);
  }
  throw new Error(`next build failed (exit ${build.status}) and no build appeared within ${BUILD_WAIT_MS / 60_000} min`);
}

export type RunningServer = {
  url: string;
  pid: number;
  /** The server's last lines of output, for error reports. */
  output: () => string;
  stop: () => Promise<void>;
};

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_OUTPUT_LINES = 200;

/** While another `next build` rewrites .next there is no BUILD_ID: wait (bounded) for the new one. */
async function waitForBuild(root: string): Promise<void> {
  const deadline = Date.now() + BUILD_WAIT_MS;
  while (!existsSync(buildIdFile(root))) {
    if (Date.now() > deadline) throw new Error(`no production build (.next/BUILD_ID) appeared within ${BUILD_WAIT_MS / 60_000} min`);
    await sleep(2_000);
  }
}

type ServerOptions = { root: string; port: number; databaseUrl: string; nodeOptions?: string[]; env?: Record<string, string> };

/** scripts/serve.ts in production mode against the database, in its own process group (stopping it also stops anything it forked). */
function spawnServer(options: ServerOptions, url: string): ChildProcessByStdio<null, Readable, Readable> {
  const secret = randomBytes(32).toString("hex");
  return spawn(process.execPath, [...(options.nodeOptions ?? []), "--import", "tsx", path.join(options.root, "scripts", "serve.ts")], {
    cwd: options.root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: options.databaseUrl,
      DEMO: "0",
      PORT: String(options.port),
      AUTH_SECRET: secret,
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: url,
      APP_URL: url,
      ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      ...options.env,
    },
  });
}

/** The child's last KEPT_OUTPUT_LINES lines of output, both streams. */
function keepOutput(child: ChildProcessByStdio<null, Readable, Readable>): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > KEPT_OUTPUT_LINES) lines.splice(0, lines.length - KEPT_OUTPUT_LINES);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return () => lines.join("\n");
}

/** SIGTERM to the process group, then SIGKILL if it has not exited within STOP_TIMEOUT_MS. */
function stopper(child: ChildProcess, pid: number): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  // Waits for the exit at most STOP_TIMEOUT_MS; the timer is cancelled on exit so that it does not keep the benchmark alive.
  const exitedWithin = async () => {
    const limit = new AbortController();
    const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { signal: limit.signal }).catch(() => false)]);
    limit.abort();
    return stopped;
  };
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup("SIGTERM");
    if (!(await exitedWithin())) {
      signalGroup("SIGKILL");
      await exitedWithin();
    }
  };
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  await waitForBuild(options.root);
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawnServer(options, url);
  const output = keepOutput(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error("next start did not spawn");
  const stop = stopper(child, pid);

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/login`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status === 200) return { url, pid, output, stop };
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`next start was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output()}`);
}
