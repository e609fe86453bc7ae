/**
 * Reads a V8 CPU profile of the server (`node --cpu-prof`) and says where its time went, per area
 * (React's HTML rendering, RSC payload, Next, pg, drizzle, the app, GC…) and per function. React
 * and Next are bundled and minified in Next's runtime and in the build's chunks, so each frame is
 * mapped back to its original source file through the source map beside the bundle.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../lib/postgres";
import type { Resources } from "./context";
import { startServer, type RunningServer } from "./server";
import { formatMs, markdownTable } from "./stats";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  /** Sampled time, idle included. */
  totalMs: number;
  busyMs: number;
  areas: { area: string; ms: number }[];
  functions: { name: string; source: string; ms: number }[];
};

const maps = new Map<string, SourceMap | null>();

function sourceMapFor(file: string): SourceMap | null {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    let map: SourceMap | null = null;
    if (existsSync(mapFile)) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, "utf8")) as SourceMapPayload);
      } catch {
        map = null; // an index map or a malformed one: keep the generated location
      }
    }
    maps.set(file, map);
  }
  return maps.get(file) ?? null;
}

/** The original source file of a frame when a source map knows it, else the generated file. */
function originalSource(frame: CallFrame): string {
  if (!frame.url.startsWith("file://")) return frame.url;
  const file = fileURLToPath(frame.url);
  const entry = sourceMapFor(file)?.findEntry(frame.lineNumber, frame.columnNumber);
  const original = entry && "originalSource" in entry ? entry.originalSource : undefined;
  if (!original) return file;
  // Relative sources are relative to the bundle: resolved, they say which package they belong to.
  return original.includes("://") || path.isAbsolute(original) ? original : path.resolve(path.dirname(file), original);
}

function areaOf(frame: CallFrame, source: string): string {
  const fn = frame.functionName;
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "idle";
  if (fn === "(program)") return "V8/native (program)";
  if (/react-dom-server\./.test(source)) return "React Fizz: HTML rendering (react-dom/server)";
  if (/react-server-dom-[a-z]+-server\./.test(source)) return "React Flight server: RSC payload serialization";
  if (/react-server-dom-[a-z]+-client\./.test(source)) return "React Flight client: RSC payload decoding for SSR";
  if (/\/react(-dom)?\/cjs\//.test(source)) return "React core";
  if (/node_modules\/pg(-protocol|-types|-pool|-connection-string|-query-stream|-cursor)?\//.test(source)) return "pg driver";
  if (/node_modules\/exceljs\//.test(source)) return "exceljs";
  if (/node_modules\/(archiver|archiver-utils|zip-stream|compress-commons|crc-32|crc32-stream|readable-stream|lazystream)\//.test(source)) return "zip writing (archiver)";
  if (/node_modules\/(csv-parse|csv-stringify)\//.test(source)) return "csv-parse";
  if (/node_modules\/zod\//.test(source)) return "zod";
  if (/drizzle-orm/.test(source)) return "drizzle-orm";
  if (/next-auth|jose|@panva|openid-client|oauth/.test(source)) return "next-auth / JWT";
  if (/@node-rs\/argon2/.test(source)) return "argon2";
  if (/\/(app|components|lib|db)\/.*\.(tsx?|jsx?)$/.test(source) && !source.includes("node_modules") && !source.includes("://")) return "app code (app/, components/, lib/, db/)";
  if (/node_modules\/next\/|webpack:\/\/next\/|turbopack:\/\/\//.test(source)) return "Next runtime";
  if (source.startsWith("node:") || source === "") return "Node core";
  return "other";
}

function summarizeProfile(file: string, top = 30): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const areas = new Map<string, number>();
  const functions = new Map<string, { name: string; source: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const source = originalSource(frame);
    const area = areaOf(frame, source);
    totalUs += us;
    if (area === "idle") idleUs += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    if (area === "idle") continue;
    const short = source.replace(/^.*\/node_modules\//, "").replace(/^webpack:\/\/next\/\.\/dist\/compiled\//, "").replace(/^webpack:\/\/next\/\.\//, "next/").replace(`${process.cwd()}/`, "");
    const key = `${frame.functionName}|${short}`;
    const entry = functions.get(key) ?? { name: frame.functionName || "(anonymous)", source: short, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    areas: [...areas].map(([area, us]) => ({ area, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    functions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, source: f.source, ms: f.us / 1000 })),
  };
}

/**
 * The server's main thread's profile: the largest .cpuprofile in the directory. Node writes one
 * per thread, and tsx's module loader thread exits last, so the newest is the loader's.
 */
function mainThreadProfile(dir: string): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const largest = files.map((f) => ({ file: path.join(dir, f), bytes: statSync(path.join(dir, f)).size })).sort((a, b) => b.bytes - a.bytes)[0];
  return largest?.file;
}

/**
 * Runs `work` against a second server started with --cpu-prof, stops it gracefully (Node writes
 * the profile on exit) and summarises the profile. The profiler slows the server down: figures
 * measured under it are for the breakdown only.
 */
export async function profileServer<T>(options: {
  root: string;
  databaseUrl: string;
  resources: Resources;
  env?: Record<string, string>;
  work: (server: RunningServer) => Promise<T>;
}): Promise<{ value: T; summary: ProfileSummary; pid: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-cpuprof-"));
  const removeDir = options.resources.add("the CPU profile directory", async () => rmSync(dir, { recursive: true, force: true }));
  try {
    const server = await startServer({
      root: options.root,
      port: await freePort(),
      databaseUrl: options.databaseUrl,
      nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
      ...(options.env ? { env: options.env } : {}),
    });
    const stop = options.resources.add("next start (profiled)", () => server.stop());
    const value = await options.work(server);
    await stop();
    const file = mainThreadProfile(dir);
    if (!file) throw new Error(`no CPU profile written in ${dir}:\n${server.output()}`);
    return { value, summary: summarizeProfile(file), pid: server.pid };
  } finally {
    await removeDir();
  }
}

/** The profile as two Markdown tables: time per area and the top functions, per unit of work. */
export function profileTables(summary: ProfileSummary, units: number, unitLabel: string, top = 15): string[] {
  const per = (ms: number) => formatMs(ms / units);
  return [
    markdownTable(
      [[`Area (self time)`, `ms ${unitLabel}`, "share of busy"], ...summary.areas.filter((a) => a.area !== "idle").map((a) => [a.area, per(a.ms), `${((a.ms / summary.busyMs) * 100).toFixed(1)} %`])],
      ["l", "r", "r"],
    ),
    "",
    markdownTable([[`Function (self time)`, "source", `ms ${unitLabel}`], ...summary.functions.slice(0, top).map((f) => [`\`${f.name}\``, f.source, per(f.ms)])], ["l", "l", "r"]),
  ];
}
