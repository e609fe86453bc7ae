import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createApiKey, createRoom, createUser, setTariff, setUserStatus } from "@/lib/admin/support";
import { scopeOf } from "@/lib/auth/scope";
import { addMonths, periodOf, toUrlPeriod } from "@/lib/periods";
import { createApiKey as createUsageApiKey } from "@/lib/data/api-keys";
import { createBudget } from "@/lib/data/budgets";
import { createSchedule } from "@/lib/data/schedules";
import { messages } from "@/lib/i18n/messages";
import { login } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { appRoutes } from "../scripts/lib/app-routes";
import { freePort } from "../scripts/lib/postgres";

/**
 * Every route of app/ (found by walking the directory, so a new one cannot be forgotten) and every
 * server action of the build, tried against account A's room, conference and schedule by people
 * who must not reach them: the owner of another account, the holder of another room of A, a
 * suspended owner of A, a session that logged out, and no session at all. None may get a 200 that
 * shows A's data, nothing may answer 5xx, and no forged action may change anything.
 */
const PASSWORD = "a long password";
const KEY = randomBytes(32).toString("hex");
const PERIOD = addMonths(periodOf(new Date(), "UTC"), -1);
const Q = `period=${toUrlPeriod(PERIOD)}`;
/** What only A's owner may see (and, for the room, its holder). */
const SECRET_CALLER = "Walkcaller Secret";
const HOLDER_ONE = "Walk Holder One";
const SCHEDULE = "Walk Schedule Secret";
const COMPANY = "Walk Alpha SA";

let t: TestDatabase;
let server: RunningServer;
const ids = { room: "", conference: 0, version: 0, schedule: 0, selection: "", apiKey: 0, budget: 0 };
type Actor = { name: string; cookie: string; markers: string[]; signedIn?: boolean };
const actors: Actor[] = [];

before(async () => {
  t = await testDatabase();
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  const a = await createAccount(t.db, { number: "710001", company: COMPANY });
  await createAccount(t.db, { number: "720001", company: "Walk Beta SA" });
  const owner = await createUser(t.db, { email: "owner@walk-a.example", name: "Walk Owner A", password: PASSWORD, account: "710001", role: "owner" });
  await createUser(t.db, { email: "suspended@walk-a.example", name: "Walk Owner Suspended", password: PASSWORD, account: "710001", role: "owner" });
  await createUser(t.db, { email: "one@walk-a.example", name: HOLDER_ONE, password: PASSWORD, account: "710001" });
  await createUser(t.db, { email: "two@walk-a.example", name: "Walk Holder Two", password: PASSWORD, account: "710001" });
  await createUser(t.db, { email: "owner@walk-b.example", name: "Walk Owner B", password: PASSWORD, account: "720001", role: "owner" });
  await createRoom(t.db, { account: "710001", number: "711001", cardholder: "one@walk-a.example" });
  await createRoom(t.db, { account: "710001", number: "711002", cardholder: "two@walk-a.example" });
  await createRoom(t.db, { account: "720001", number: "721001", cardholder: "owner@walk-b.example" });
  ids.room = "711001";
  const { key } = await createApiKey(t.db, { account: "710001" });
  const schedule = await createSchedule(
    await scopeOf(t.db, { userId: owner.id, accountId: a.id, roomId: null }),
    { name: SCHEDULE, reportQuery: "type=participation", frequency: "daily", weekday: null, monthDay: null, timeOfDay: 360, range: "previous-day", rangeFrom: null, rangeTo: null, format: "csv", emails: ["owner@walk-a.example"], upload: null, secret: undefined },
    KEY,
  );
  ids.schedule = schedule.id;
  ids.apiKey = (await createUsageApiKey(await scopeOf(t.db, { userId: owner.id, accountId: a.id, roomId: null }), "Walk usage key")).id;
  ids.budget = (await createBudget(await scopeOf(t.db, { userId: owner.id, accountId: a.id, roomId: null }), { target: "room", room: "711001", amountMinor: 12_345, notifyRoomHolder: true }, messages.en)).id;
  // A report selection A's owner saved (the builder's long ones).
  ids.selection = await saveSelectionOf(a.id, owner.id);
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { ENCRYPTION_KEY: KEY, WORKER: "0" } });
  const [year, month] = PERIOD.split("-").map(Number) as [number, number];
  const joined = new Date(Date.UTC(year, month - 1, 5, 9));
  const csv = `leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product\nw1,wc1,711001,toll,${joined.toISOString()},${new Date(joined.getTime() + 600_000).toISOString()},${SECRET_CALLER},,,,`;
  const sent = await fetch(`${server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" }, body: csv });
  assert.equal(sent.status, 200, await sent.text());
  const { rows } = await t.db.execute<{ id: string; version: number }>(sql`select id, version from conferences where external_id = 'wc1'`);
  ids.conference = Number(rows[0]!.id);
  ids.version = rows[0]!.version;

  const all = [SECRET_CALLER, HOLDER_ONE, SCHEDULE, COMPANY];
  actors.push({ name: "the owner of another account", cookie: await login(server.url, { username: "owner@walk-b.example", password: PASSWORD, number: "720001" }), markers: all, signedIn: true });
  // The other room's holder may see the account's name on their own pages, nothing of room 711001's.
  actors.push({ name: "the holder of another room", cookie: await login(server.url, { username: "two@walk-a.example", password: PASSWORD, number: "711002" }), markers: [SECRET_CALLER, HOLDER_ONE, SCHEDULE], signedIn: true });
  const suspended = await login(server.url, { username: "suspended@walk-a.example", password: PASSWORD, number: "710001" });
  await setUserStatus(t.db, { email: "suspended@walk-a.example", status: "suspended" });
  actors.push({ name: "a suspended owner", cookie: suspended, markers: all });
  const loggedOut = await login(server.url, { username: "owner@walk-a.example", password: PASSWORD, number: "710001" });
  await logOut(loggedOut);
  actors.push({ name: "a session that logged out", cookie: loggedOut, markers: all });
  actors.push({ name: "no session", cookie: "", markers: all });
});
after(async () => {
  await server?.stop();
  await t.close();
});

/** A report selection of account A, as the builder saves a long one (its short id is 16 characters). */
async function saveSelectionOf(accountId: number, userId: number): Promise<string> {
  const { rows } = await t.db.execute<{ id: string }>(sql`insert into report_selections (account_id, id, query, created_by) values (${accountId}, 'walkSelection001', 'type=participation&range=previous-month', ${userId}) returning id`);
  return rows[0]!.id;
}

async function logOut(cookie: string) {
  const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const extra = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  await fetch(`${server.url}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${extra}` },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }).toString(),
  });
}

/** A response's text; an .xlsx (zipped) as the text of its cells. */
async function readable(response: Response): Promise<string> {
  if (!(response.headers.get("content-type") ?? "").includes("spreadsheetml")) return response.text();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  const cells: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
  return cells.join("\n");
}

/** The requests each route template is tried with: A's room, conference and schedule. */
function urlsOf(route: string): string[] {
  const room = ids.room;
  const urls: Record<string, string[]> = {
    "/": ["/"],
    "/login": ["/login"],
    "/account": [`/account?${Q}`, `/account?${Q}&sort=code`],
    "/account/conferences": [`/account/conferences?${Q}&code=`],
    "/account/unallocated": [`/account/unallocated?${Q}`, `/account/unallocated?${Q}&room=${room}`],
    "/rooms/[number]": [`/rooms/${room}?${Q}`],
    "/rooms/[number]/auto-code": [`/rooms/${room}/auto-code`],
    "/rooms/[number]/conferences/[id]": [`/rooms/${room}/conferences/${ids.conference}?${Q}`],
    "/reports": ["/reports?type=participation&range=previous-month", `/reports?s=${ids.selection}`],
    "/reports/saved": ["/reports/saved"],
    "/reports/download": ["/reports/download?type=participation&range=previous-month&format=csv", `/reports/download?s=${ids.selection}&format=csv`],
    "/reports/file": ["/reports/file?t=forged"],
    "/reports/schedules": ["/reports/schedules"],
    "/reports/schedules/new": ["/reports/schedules/new?report=type%3Dparticipation"],
    "/reports/schedules/[id]": [`/reports/schedules/${ids.schedule}`],
    "/sessions": ["/sessions"],
    "/security": ["/security"],
    "/two-factor": ["/two-factor"],
    "/download/[kind]": ["account", "statement", "room", "conference", "code", "unallocated"].map((kind) => `/download/${kind}?${Q}&room=${room}&conference=${ids.conference}&code=`),
    "/api/auth/[...nextauth]": ["/api/auth/session", "/api/auth/csrf", "/api/auth/providers"],
    "/api/v1/cdrs": ["/api/v1/cdrs"],
    "/api/v1/usage/conferences": [`/api/v1/usage/conferences?${Q}`],
    "/api/v1/usage/conferences/[id]/legs": [`/api/v1/usage/conferences/${ids.conference}/legs`],
    "/api/v1/usage/totals": [`/api/v1/usage/totals?${Q}`, `/api/v1/usage/totals?${Q}&by=code`],
    "/api/v1/openapi.json": ["/api/v1/openapi.json"],
    "/api/docs": ["/api/docs"],
    "/account/api-keys": ["/account/api-keys"],
    "/account/alerts": ["/account/alerts"],
    "/api/unsubscribe": ["/api/unsubscribe?t=forged"],
    "/unsubscribe": ["/unsubscribe?t=forged"],
    "/healthz": ["/healthz"],
  };
  const found = urls[route];
  assert.ok(found, `route ${route} has no request in this walk: add one`);
  return found;
}

test("no route shows account A's room, conference or schedule to anyone else, and none answers 5xx", async () => {
  const found = [...new Set(appRoutes().map((r) => r.pattern))];
  assert.ok(found.length >= 19, `found ${found.length} routes`);
  let tried = 0;
  const problems: string[] = [];
  for (const actor of actors) {
    for (const url of found.flatMap(urlsOf)) {
      for (const method of url.startsWith("/api/") ? ["GET", "POST"] : ["GET"]) {
        const response = await fetch(`${server.url}${url}`, { method, headers: actor.cookie ? { cookie: actor.cookie } : {}, redirect: "manual" });
        const body = await readable(response);
        tried++;
        if (response.status >= 500) problems.push(`${actor.name}: ${method} ${url} answered ${response.status}`);
        const seen = actor.markers.find((m) => body.includes(m));
        if (response.status === 200 && seen) problems.push(`${actor.name}: ${method} ${url} shows "${seen}"`);
        // Without a live session, any file is account data.
        const file = /attachment/.test(response.headers.get("content-disposition") ?? "");
        if (response.status === 200 && file && !actor.signedIn) problems.push(`${actor.name}: ${method} ${url} downloads a file`);
      }
    }
  }
  assert.deepEqual(problems, [], `${problems.length} of ${tried} requests`);
  assert.ok(tried >= 5 * 25, `${tried} requests tried`);
});

test("the walk sees what A's owner sees: the same requests show A's data to them", async () => {
  const owner = await login(server.url, { username: "owner@walk-a.example", password: PASSWORD, number: "710001" });
  for (const [url, marker] of [
    [`/rooms/${ids.room}/conferences/${ids.conference}?${Q}`, SECRET_CALLER],
    [`/account?${Q}`, HOLDER_ONE],
    [`/reports/schedules/${ids.schedule}`, SCHEDULE],
    ["/reports?type=participation&range=previous-month", SECRET_CALLER],
    [`/reports?s=${ids.selection}`, SECRET_CALLER],
    [`/download/conference?${Q}&room=${ids.room}&conference=${ids.conference}`, SECRET_CALLER],
    [`/download/statement?${Q}`, HOLDER_ONE],
    ["/account/alerts", HOLDER_ONE],
  ] as const) {
    const response = await fetch(`${server.url}${url}`, { headers: { cookie: owner }, redirect: "manual" });
    assert.equal(response.status, 200, url);
    assert.ok((await readable(response)).includes(marker), `${url} shows ${marker} to A's owner`);
  }
});

/** A server action called as React calls it: its id in Next-Action, its arguments as the form field "0". */
async function callAction(id: string, args: unknown[], form: Record<string, string>, cookie: string) {
  const body = new FormData();
  // As React encodes a FormData argument: its fields first, under "_1_", then the arguments.
  for (const [name, value] of Object.entries(form)) body.append(`_1_${name}`, value);
  body.append("0", JSON.stringify(args.map((a) => (a === FORM ? "$K1" : a))));
  const response = await fetch(`${server.url}/rooms/${ids.room}`, { method: "POST", headers: { "next-action": id, ...(cookie ? { cookie } : {}) }, body, redirect: "manual" });
  return { status: response.status, body: await response.text() };
}
const FORM = Symbol("the form's data");

/** The build's server actions, by their exported name. */
function actionIds(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName: string }> };
  return Object.fromEntries(Object.entries(manifest.node).map(([id, v]) => [v.exportedName, id]));
}

test("no forged server action changes account A's codes, schedules or sessions", async () => {
  const id = actionIds();
  const calls: [string, unknown[], Record<string, string>][] = [
    ["assignConferenceCode", [ids.conference, ids.version, {}, FORM], { code: "FORGED" }],
    ["assignSelectedCodes", [{}, FORM], { code: "FORGED", conference: `${ids.conference}:${ids.version}` }],
    ["setRoomAutoCode", [ids.room, {}, FORM], { code: "FORGED", apply: "on" }],
    ["cancelScheduleAction", [ids.schedule, {}, FORM], {}],
    ["sendScheduleNow", [ids.schedule, {}, FORM], {}],
    ["submitScheduleForm", [ids.schedule, {}, FORM], { name: "FORGED", report: "type=usage", frequency: "daily", time: "06:00", range: "previous-day", format: "csv", emails: "x@forged.example" }],
    ["endSessionsAction", [{}, FORM], { session: "all" }],
    ["createApiKeyAction", [{}, FORM], { name: "FORGED" }],
    ["revokeApiKeyAction", [{}, FORM], { key: String(ids.apiKey) }],
    ["createBudgetAction", [{}, FORM], { target: "account", amount: "1" }],
    ["changeBudgetAction", [ids.budget, {}, FORM], { amount: "1" }],
    ["deleteBudgetAction", [ids.budget, {}, FORM], {}],
  ];
  for (const [name] of calls) assert.ok(id[name], `the build has ${name}`);
  const state = async () =>
    (
      await t.db.execute<{ s: string }>(sql`select concat_ws('|',
        (select string_agg(coalesce(billing_code, '-') || coalesce(billing_code_source, '-'), ',' order by id) from conferences),
        (select string_agg(coalesce(auto_billing_code, '-'), ',' order by id) from rooms),
        (select string_agg(name || status, ',' order by id) from report_schedules),
        (select count(*) from schedule_runs),
        (select count(*) from sessions where ended_at is null),
        -- A's keys: another account's owner may make keys in their own account.
        (select string_agg(name || coalesce(revoked_at::text, '-'), ',' order by id) from usage_api_keys where account_id = (select id from accounts where number = '710001')),
        (select string_agg(target || amount_minor, ',' order by id) from budgets where account_id = (select id from accounts where number = '710001'))) as s`)
    ).rows[0]!.s;
  const before = await state();
  const problems: string[] = [];
  for (const actor of actors) {
    for (const [name, args, form] of calls) {
      const answer = await callAction(id[name]!, args, form, actor.cookie);
      if (answer.status >= 500) problems.push(`${actor.name}: ${name} answered ${answer.status}`);
    }
  }
  assert.deepEqual(problems, []);
  assert.equal(await state(), before, "nothing changed");
  // The same forged call by A's owner does change the code: the calls above reach the actions.
  const owner = await login(server.url, { username: "owner@walk-a.example", password: PASSWORD, number: "710001" });
  await callAction(id.assignConferenceCode!, [ids.conference, ids.version, {}, FORM], { code: "OWNERS" }, owner);
  const { rows } = await t.db.execute<{ billing_code: string }>(sql`select billing_code from conferences where id = ${ids.conference}`);
  assert.equal(rows[0]!.billing_code, "OWNERS");
});
