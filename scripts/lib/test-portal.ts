/**
 * The production build served against a fresh database with one account seeded through the real
 * paths (support commands, the CDR API, the report builder's save): an owner, a room holder, a
 * conference, a schedule and a saved report selection. For the sweeps over every route.
 */
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createApiKey, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { scopeOf } from "@/lib/auth/scope";
import { createSchedule } from "@/lib/data/schedules";
import { login } from "../bench/http";
import { startServer, type RunningServer } from "../bench/server";
import { freePort } from "./postgres";

export const PORTAL = { account: "670001", holderRoom: "671001", ownerRoom: "671002", password: "a long password" } as const;

export type TestPortal = {
  t: TestDatabase;
  server: RunningServer;
  /** Cookie headers of the owner's and the room holder's sessions. */
  cookies: { owner: string; holder: string };
  conferenceId: number;
  scheduleId: number;
  ownerId: number;
  /** A saved report selection of the account (`/reports?s=<id>`). */
  selectionId: string;
  /** The previous month, as the pages' `period` parameter writes it. */
  period: string;
  stop: () => Promise<void>;
};

function previousMonth(now = new Date()): { period: string; first: string; last: string } {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return { period: day(first).slice(0, 7), first: day(first), last: day(last) };
}

export async function startTestPortal(options: { env?: Record<string, string> } = {}): Promise<TestPortal> {
  const t = await testDatabase();
  for (const serviceType of ["toll", "toll-free"] as const) await setTariff(t.db, { serviceType, rate: "0.0900", from: "2000-01-01" });
  const key = randomBytes(32).toString("hex");
  const account = await createAccount(t.db, { number: PORTAL.account, company: "Sweep SA" });
  const owner = await createUser(t.db, { email: "owner@sweep.example", name: "Olive Sweep", password: PORTAL.password, account: PORTAL.account, role: "owner" });
  await createUser(t.db, { email: "holder@sweep.example", name: "Hugo Sweep", password: PORTAL.password, account: PORTAL.account });
  await createRoom(t.db, { account: PORTAL.account, number: PORTAL.holderRoom, cardholder: "holder@sweep.example" });
  await createRoom(t.db, { account: PORTAL.account, number: PORTAL.ownerRoom, cardholder: "owner@sweep.example" });
  const scope = await scopeOf(t.db, { accountId: account.id, userId: owner.id, roomId: null });
  const schedule = await createSchedule(
    scope,
    { name: "Sweep", reportQuery: "type=activity", frequency: "daily", weekday: null, monthDay: null, timeOfDay: 360, range: "previous-day", rangeFrom: null, rangeTo: null, format: "xlsx", emails: ["owner@sweep.example"], upload: null, secret: undefined },
    key,
  );
  const server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { ENCRYPTION_KEY: key, WORKER: "0", ...options.env } });
  try {
    const month = previousMonth();
    const legs = [
      "leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product",
      `l1,c1,${PORTAL.holderRoom},toll,${month.first}T09:00:00Z,${month.first}T09:20:00Z,Ann,+33100000001,,,`,
      `l2,c1,${PORTAL.holderRoom},toll-free,${month.first}T09:01:00Z,${month.first}T09:21:00Z,Bob,+33100000002,,,`,
    ].join("\n");
    const ingested = await fetch(`${server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${(await createApiKey(t.db, { account: PORTAL.account })).key}`, "content-type": "text/csv" }, body: legs });
    if (ingested.status !== 200) throw new Error(`ingest answered ${ingested.status}: ${await ingested.text()}`);
    const [conference] = (await t.db.execute<{ id: string }>(sql`select id from conferences where account_id = ${account.id} and external_id = 'c1'`)).rows;
    const cookies = {
      owner: await login(server.url, { username: "owner@sweep.example", password: PORTAL.password, number: PORTAL.account }),
      holder: await login(server.url, { username: "holder@sweep.example", password: PORTAL.password, number: PORTAL.holderRoom }),
    };
    const saved = await fetch(`${server.url}/reports/saved`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookies.owner, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: `type=activity&range=custom&from=${month.first}&to=${month.last}&cardholder=${owner.id}`, to: "report" }).toString(),
    });
    const selectionId = /s=([\w-]+)/.exec(saved.headers.get("location") ?? "")?.[1];
    if (saved.status !== 303 || !selectionId) throw new Error(`saving a report selection answered ${saved.status} ${saved.headers.get("location")}`);
    return {
      t,
      server,
      cookies,
      conferenceId: Number(conference!.id),
      scheduleId: schedule.id,
      ownerId: owner.id,
      selectionId,
      period: month.period,
      stop: async () => {
        await server.stop();
        await t.close();
      },
    };
  } catch (error) {
    await server.stop();
    await t.close();
    throw error;
  }
}
