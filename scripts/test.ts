/**
 * `npm test`: type check, lint (`npm run lint`), then unit + integration tests against the embedded
 * PostgreSQL (the npm package users get by default) and against Debian's PostgreSQL 15 (the oldest
 * major version we support), each started here on a temporary directory, then the scale-out test
 * (scripts/cluster.ts: Debian's HAProxy and PgBouncer, a streaming replica, processes killed under
 * load), then the Playwright end-to-end tests against the production build in Debian's Chromium.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { buildIfNeeded } from "./lib/build";
import { startEmbeddedPostgres, startPostgres, type TempPostgres } from "./lib/postgres";

const root = process.cwd();
const SKIP = new Set(["node_modules", ".next", ".data", "e2e", ".git", "test-results"]);

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (SKIP.has(name)) return [];
    if (statSync(full).isDirectory()) return testFiles(full);
    return name.endsWith(".test.ts") ? [path.relative(root, full)] : [];
  });
}

/** A step that failed; thrown (not exited) so that the servers started for the tests are stopped. */
class StepFailed extends Error {
  constructor(
    title: string,
    readonly status: number,
  ) {
    super(`${title}: failed`);
  }
}

function run(title: string, command: string, args: string[], env: Record<string, string> = {}): void {
  console.log(`\n=== ${title}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new StepFailed(title, result.status ?? 1);
}

async function main() {
  const only = process.argv.slice(2);
  const files = testFiles(root).sort();
  // react-server: the data layer is "server-only", as it runs in Next's server components.
  const node = ["--conditions=react-server", "--import", "tsx", "--test", "--test-concurrency=1"];
  const unitOnly = only.includes("--unit");
  const skipE2e = only.includes("--no-e2e") || unitOnly;

  run("Type check", process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit"]);
  run("Lint", "npm", ["run", "--silent", "lint"]);
  // The API tests and the e2e tests run against the production build.
  if (!buildIfNeeded(root)) process.exit(1);
  const servers: [string, () => Promise<TempPostgres>][] = [["the embedded PostgreSQL", startEmbeddedPostgres]];
  if (!unitOnly) servers.push(["Debian's PostgreSQL", startPostgres]);
  for (const [name, start] of servers) {
    const postgres = await start();
    try {
      run(`Unit and integration tests on ${name} (${await postgres.version()})`, process.execPath, [...node, ...files], { TEST_PG_URL: postgres.url() });
    } finally {
      await postgres.stop();
    }
  }
  // The provider's layout: HAProxy, PgBouncer, a replica, two web servers and two workers, with failures.
  if (!unitOnly) run("Scale-out test (npm run test:cluster)", process.execPath, [...node.filter((a) => a !== "--test" && a !== "--test-concurrency=1"), path.join(root, "scripts", "cluster.ts")]);
  if (!skipE2e) run("End-to-end tests in Chromium", process.execPath, [path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test"]);
}

main().catch((error: unknown) => {
  console.error(error instanceof StepFailed ? `\n${error.message}` : error);
  process.exit(error instanceof StepFailed ? error.status : 1);
});
