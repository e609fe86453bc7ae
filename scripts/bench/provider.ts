/**
 * `--only provider`: does a customer's page cost grow with the provider? The 2,000-room tenant
 * (`--scale`, about 5,000,000 legs) and a small account (5 rooms) are measured alone on the
 * database, then again after 9,998 more accounts and their 12 months of usage are added
 * (`--provider-legs`, 20,000,000 legs in all by default: a provider's year), in the same run: the
 * account summary at `--connections` and the 12-month usage report one request at a time.
 * Target: the small account's pages at most 1.2× slower with the provider's data than without.
 */
import { sql } from "drizzle-orm";
import { addMonths, periodOf, toUrlPeriod } from "../../lib/periods";
import { BUILD_NOTE, isoDate, machineLine, seconds, startDatabase, timed, withResources, type BenchContext } from "./context";
import { runHttp, type HttpRun } from "./load";
import { generateBenchTenant, loginAsOwner, serve, watchBuild } from "./setup";
import { formatCount, formatMs, formatRatio, markdownTable } from "./stats";
import { generateProviderAccounts, generateTenant, type Tenant } from "./tenant";

const OTHER_ACCOUNTS = 9_998;
const TIME_ZONE = "Europe/Paris"; // every generated account's
const SMALL_ROOMS = 5;

type Measured = { summary: HttpRun; report: HttpRun };
type Subject = { name: string; tenant: Tenant; cookie: string };

async function measure(ctx: BenchContext, baseUrl: string, subject: Subject, period: string): Promise<Measured> {
  const { options, log } = ctx;
  const summaryUrl = `${baseUrl}/account?period=${toUrlPeriod(period)}`;
  const reportUrl = `${baseUrl}/reports?type=usage&range=past-12-months`;
  await runHttp({ url: summaryUrl, cookie: subject.cookie, connections: options.connections, amount: Math.max(options.warmup, options.connections) });
  const summary = await runHttp({ url: summaryUrl, cookie: subject.cookie, connections: options.connections, amount: options.requests, verifyBody: (body) => body.includes('data-testid="room-usage"') });
  await runHttp({ url: reportUrl, cookie: subject.cookie, connections: 1, amount: 2 });
  const report = await runHttp({ url: reportUrl, cookie: subject.cookie, connections: 1, amount: options.reportRequests, verifyBody: (body) => body.includes('data-testid="report"') });
  log(`${subject.name}: summary p95 ${formatMs(summary.latency.p95)} ms, 12-month report p95 ${formatMs(report.latency.p95)} ms`);
  return { summary, report };
}

/** Runs the provider-scale benchmark and returns its Markdown section. */
export function runProvider(ctx: BenchContext): Promise<string> {
  const { options, root, now, log } = ctx;
  const period = addMonths(periodOf(now, TIME_ZONE), -1);
  return withResources(async (resources) => {
    const builds = watchBuild(resources, root);
    const { url, db, version } = await startDatabase(resources, options.server);
    const big = (await generateBenchTenant(db, ctx)).value;
    const small = await generateTenant(db, { scale: SMALL_ROOMS / 2000, accountNumber: "700002", firstRoomNumber: 790000, now });
    await db.execute(sql`vacuum (analyze)`);
    const { server } = await serve(resources, log, { root, databaseUrl: url });
    const subject = async (name: string, tenant: Tenant): Promise<Subject> => ({ name, tenant, cookie: await loginAsOwner(server.url, tenant) });
    const subjects = [
      await subject(`largest account (${formatCount(big.counts.rooms)} rooms, ${formatCount(big.counts.legs)} legs)`, big),
      await subject(`small account (${small.counts.rooms} rooms, ${formatCount(small.counts.legs)} legs)`, small),
    ];
    const measureAll = async () => {
      const runs: Measured[] = [];
      for (const s of subjects) runs.push(await measure(ctx, server.url, s, period));
      return runs;
    };
    const legsBefore = big.counts.legs + small.counts.legs;
    const alone = await measureAll();
    const added = await timed(log, `Adding ${formatCount(OTHER_ACCOUNTS)} accounts`, () =>
      generateProviderAccounts(db, { accounts: OTHER_ACCOUNTS, legs: options.providerLegs - legsBefore, now, log }),
    );
    await timed(log, "VACUUM (ANALYZE)", () => db.execute(sql`vacuum (analyze)`));
    const totals = (await db.execute<{ accounts: string; legs: string }>(sql`select (select count(*) from accounts) as accounts, (select count(*) from legs) as legs`)).rows[0]!;
    const among = await measureAll();
    const notes = builds.stop() ? [BUILD_NOTE] : [];
    const row = (label: string, before: HttpRun, after: HttpRun) => [label, formatMs(before.latency.p95), formatMs(after.latency.p95), formatRatio(after.latency.p95, before.latency.p95)];
    const rows = subjects.flatMap((s, i) => [
      row(`${s.name}: account summary, c=${options.connections}`, alone[i]!.summary, among[i]!.summary),
      row(`${s.name}: 12-month usage report, c=1`, alone[i]!.report, among[i]!.report),
    ]);
    return [
      `### Provider scale: a customer's pages beside the provider's whole data (${isoDate(now)})`,
      "",
      `\`${ctx.command}\` — ${machineLine(version)}. First the two accounts alone (${formatCount(legsBefore)} legs), then with ${formatCount(Number(totals.accounts))} accounts and ${formatCount(Number(totals.legs))} legs (the other accounts added in ${seconds(added.ms)}).`,
      "",
      markdownTable([["Page (p95, ms)", "alone", "with the provider's data", "ratio"], ...rows], ["l", "r", "r", "r"]),
      "",
      "Target: the small account at most 1.2× with the provider's data.",
      ...notes.map((n) => `\n${n}`),
    ].join("\n");
  });
}
