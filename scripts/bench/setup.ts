/**
 * The steps the benchmarks start with: a watch over the production build, the 2,000-room tenant,
 * the portal's server on a free port, and a login as an account's owner.
 */
import type { Database } from "../../db/client";
import { freePort } from "../lib/postgres";
import { timed, watchForBuilds, type BenchContext, type Resources } from "./context";
import { login } from "./http";
import { buildId, startServer, type RunningServer } from "./server";
import { generateTenant, type Tenant } from "./tenant";

type BuildWatch = {
  /** Whether another `next build` has been seen so far (the watch goes on). */
  seen: () => boolean;
  /** Ends the watch; whether another `next build` was seen. */
  stop: () => boolean;
  /** Whether the build measured has been replaced since the watch began. */
  changed: () => boolean;
};

/**
 * Watches for another `next build` on the machine and for the build being replaced: either
 * disturbs the figures measured meanwhile. The watch ends with the module, or at `stop()`.
 */
export function watchBuild(resources: Resources, root: string): BuildWatch {
  const build = buildId(root);
  const builds = watchForBuilds();
  resources.add("the build watch", async () => void builds.stop());
  return { seen: builds.seen, stop: builds.stop, changed: () => buildId(root) !== build };
}

/** The account summary's and the reports' tenant: `--scale` of 2,000 rooms × 12 months, `--seed` when given. */
export function generateBenchTenant(db: Database, ctx: BenchContext): Promise<{ value: Tenant; ms: number }> {
  const { options, now, log } = ctx;
  return timed(log, `Generating the tenant (scale ${options.scale})`, () =>
    generateTenant(db, { scale: options.scale, now, ...(options.seed === undefined ? {} : { seed: options.seed }), log }),
  );
}

/** `next start` on a free port, stopped with the module; `stop` stops it sooner. */
export async function serve(
  resources: Resources,
  log: (line: string) => void,
  options: { root: string; databaseUrl: string; env?: Record<string, string> },
): Promise<{ server: RunningServer; stop: () => Promise<void> }> {
  const server = (await timed(log, "Starting next start", () => freePort().then((port) => startServer({ ...options, port })))).value;
  return { server, stop: resources.add("next start", () => server.stop()) };
}

/** What the login form takes for an account's owner. */
const ownerCredentials = (tenant: Pick<Tenant, "owner" | "accountNumber">) => ({ username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });

/** Logs in as the tenant's owner; the Cookie header of the session. */
export const loginAsOwner = (baseUrl: string, tenant: Pick<Tenant, "owner" | "accountNumber">) => login(baseUrl, ownerCredentials(tenant));
