import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createApiKey, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { scopeOf } from "@/lib/auth/scope";
import { createBudget } from "@/lib/data/budgets";
import { messages } from "@/lib/i18n/messages";
import { addMonths, periodOf, toUrlPeriod } from "@/lib/periods";
import { login } from "../scripts/bench/http";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { freePort } from "../scripts/lib/postgres";
import { assignedText, codeForm, conferenceLinks, CONFLICT_TEXT, legsCsv } from "../scripts/lib/soak";

/**
 * A soak test: the portal used by several people at once, as it is every day. Two accounts' owners
 * and a room holder browse their pages while both owners assign billing codes (some from pages
 * they opened long ago, so with stale versions), usage is ingested, a statement streams and
 * support's command line creates keys, while the server's worker checks the budgets and sends
 * their alerts. Every page must show its own session's data and nobody else's, nothing may answer
 * 5xx, and every action is answered as done or as a named conflict.
 */
// Long enough for its 100 pages on a slow day: 92–114 pages came in 20 s on this machine at times
// (142–172 at others), so the "the soak did happen" floor failed for want of time, not of a fault.
const SOAK_MS = 30_000;
const PERIOD = addMonths(periodOf(new Date(), "UTC"), -1);
const Q = `period=${toUrlPeriod(PERIOD)}`;
const CONFERENCES = 40;

type Party = { number: string; company: string; owner: string; holder: string; rooms: [string, string]; key?: string; cookie?: string; holderCookie?: string };
const A: Party = { number: "640101", company: "Alder Soak SA", owner: "Olivia Alder", holder: "Hugo Alder", rooms: ["641101", "641102"] };
const B: Party = { number: "640201", company: "Birch Soak SA", owner: "Oscar Birch", holder: "Hanna Birch", rooms: ["642101", "642102"] };
const PASSWORD = "a long password";

let t: TestDatabase;
let server: RunningServer;
/** The server's DATA_DIR: without SMTP_URL its alerts are written to outbox/ there. */
const outbox = { dir: mkdtempSync(path.join(tmpdir(), "soak-data-")) };

const counts = { pages: 0, foreign: 0, wrongUser: 0, serverErrors: 0, assigned: 0, conflicts: 0, unexplained: 0, ingests: 0, downloads: 0, keys: 0 };
const problems: string[] = [];
const note = (kind: keyof typeof counts, detail: string) => {
  counts[kind]++;
  if (problems.length < 20) problems.push(`${kind}: ${detail}`);
};

/** `conferences` conferences of `legsEach` legs in `room`, in the soak's month, as a CSV file. */
const legs = (prefix: string, room: string, conferences: number, legsEach: number) => legsCsv(PERIOD, prefix, room, conferences, legsEach);

async function ingest(party: Party, body: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${party.key}`, "content-type": "text/csv" }, body });
  return { status: response.status, body: await response.text() };
}

async function setUp(party: Party) {
  const account = await createAccount(t.db, { number: party.number, company: party.company });
  const ownerEmail = `owner@${party.number}.example`;
  const holderEmail = `holder@${party.number}.example`;
  const owner = await createUser(t.db, { email: ownerEmail, name: party.owner, password: PASSWORD, account: party.number, role: "owner" });
  await createUser(t.db, { email: holderEmail, name: party.holder, password: PASSWORD, account: party.number });
  await createRoom(t.db, { account: party.number, number: party.rooms[0], cardholder: holderEmail });
  await createRoom(t.db, { account: party.number, number: party.rooms[1], cardholder: ownerEmail });
  party.key = (await createApiKey(t.db, { account: party.number })).key;
  // Budgets the soak's usage runs through, so the workers' alerts are checked and sent beside it all.
  const scope = await scopeOf(t.db, { userId: owner.id, accountId: account.id, roomId: null });
  for (const [input, amountMinor] of [[{ target: "account" as const }, 50_000], [{ target: "room" as const, room: party.rooms[0] }, 20_000]] as const) {
    await createBudget(scope, { ...input, amountMinor, notifyRoomHolder: false }, messages.en);
  }
  // Set two months ago, so the soak's month (the previous one) counts.
  await t.db.execute(sql`update budgets set created_at = now() - interval '62 days' where account_id = ${account.id}`);
  for (const [i, room] of party.rooms.entries()) {
    const sent = await ingest(party, legs(`${party.number}-${i}`, room, CONFERENCES / 2, 3));
    assert.equal(sent.status, 200, sent.body);
  }
  party.cookie = await login(server.url, { username: ownerEmail, password: PASSWORD, number: party.number });
  party.holderCookie = await login(server.url, { username: holderEmail, password: PASSWORD, number: party.rooms[0] });
}

before(async () => {
  t = await testDatabase();
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { DATA_DIR: outbox.dir } });
  await setUp(A);
  await setUp(B);
});
after(async () => {
  await server?.stop();
  await t.close();
  rmSync(outbox.dir, { recursive: true, force: true });
});

/**
 * A page as its viewer sees it; counted wrong if it answers 5xx, if it does not name the viewer,
 * or if it shows any of `foreign` (another account's or room's names and numbers).
 */
async function view(url: string, cookie: string, viewer: string, foreign: string[]): Promise<string> {
  const response = await fetch(`${server.url}${url}`, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  counts.pages++;
  if (response.status >= 500) note("serverErrors", `${response.status} ${url}`);
  else if (response.status !== 200) note("wrongUser", `${response.status} ${url} for ${viewer}`);
  else if (!html.includes(viewer)) note("wrongUser", `${url} does not name ${viewer}`);
  const seen = foreign.find((f) => html.includes(f));
  if (seen) note("foreign", `${url} for ${viewer} shows ${seen}`);
  return html;
}

async function assign(party: Party, url: string, form: FormData, code: string, foreign: string[]) {
  const body = new FormData();
  for (const [name, value] of form) body.append(name, value);
  body.append("code", code);
  const response = await fetch(`${server.url}${url}`, { method: "POST", body, headers: { cookie: party.cookie! }, redirect: "manual" });
  const html = await response.text();
  counts.pages++;
  if (response.status >= 500) return note("serverErrors", `${response.status} on assigning ${code} at ${url}`);
  const seen = foreign.find((f) => html.includes(f));
  if (seen) note("foreign", `assigning at ${url} shows ${seen}`);
  if (html.includes(assignedText(code))) counts.assigned++;
  else if (html.includes(CONFLICT_TEXT)) counts.conflicts++;
  else note("unexplained", `assigning ${code} at ${url}: ${response.status}`);
}

const foreignTo = (party: Party, other: Party) => [other.company, other.owner, other.holder, other.number, ...other.rooms];

/** An owner browsing the account, the code view, rooms and conferences, and assigning codes; half of the forms posted are stale. */
async function owner(party: Party, other: Party, until: number) {
  const foreign = foreignTo(party, other);
  const stale: [string, FormData][] = [];
  for (let round = 0; Date.now() < until; round++) {
    await view(`/account?${Q}`, party.cookie!, party.owner, foreign);
    await view(`/account?${Q}&sort=code`, party.cookie!, party.owner, foreign);
    await view(`/account/unallocated?${Q}`, party.cookie!, party.owner, foreign); // the clean-up, read beside the writes
    await view("/account/alerts", party.cookie!, party.owner, foreign); // budgets and alerts, moving with the ingests
    const room = await view(`/rooms/${party.rooms[round % 2]}?${Q}`, party.cookie!, party.owner, foreign);
    const links = conferenceLinks(room);
    const url = links[round % links.length]!;
    const page = await view(`${url}?${Q}`, party.cookie!, party.owner, foreign);
    const form = codeForm(page);
    if (!form) {
      note("unexplained", `${url} has no billing-code form`);
      continue;
    }
    await assign(party, `${url}?${Q}`, form, `SOAK-${round}`, foreign);
    stale.push([`${url}?${Q}`, form]);
    if (round % 2 === 1) await assign(party, ...stale.shift()!, `STALE-${round}`, foreign);
  }
}

/** A room holder looking at their room and its conferences: never the account's other room, never the other account. */
async function holder(party: Party, other: Party, until: number) {
  const foreign = [...foreignTo(party, other), party.rooms[1]];
  while (Date.now() < until) {
    const room = await view(`/rooms/${party.rooms[0]}?${Q}`, party.holderCookie!, party.holder, foreign);
    for (const url of conferenceLinks(room).slice(0, 3)) await view(`${url}?${Q}`, party.holderCookie!, party.holder, foreign);
  }
}

/** Usage arriving all along: batches of 2,000 legs for the account's first room. */
async function ingestion(party: Party, until: number) {
  for (let batch = 0; Date.now() < until; batch++) {
    const sent = await ingest(party, legs(`${party.number}-soak-${batch}`, party.rooms[0], 200, 10));
    if (sent.status >= 500) note("serverErrors", `ingest ${sent.status}: ${sent.body.slice(0, 200)}`);
    else if (sent.status !== 200 || JSON.parse(sent.body).accepted !== 2000) note("unexplained", `ingest ${sent.status}: ${sent.body.slice(0, 200)}`);
    else counts.ingests++;
  }
}

/** The owner's monthly statement, downloaded again and again: always a whole workbook of its own account. */
async function downloads(party: Party, other: Party, until: number) {
  while (Date.now() < until) {
    const response = await fetch(`${server.url}/download/statement?${Q}`, { headers: { cookie: party.cookie! } });
    if (response.status >= 500) {
      note("serverErrors", `statement ${response.status}`);
      continue;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } catch (error) {
      note("unexplained", `statement is not a whole workbook (${bytes.length} bytes): ${String(error)}`);
      continue;
    }
    const text = JSON.stringify(workbook.worksheets.map((sheet) => sheet.getSheetValues()));
    const seen = foreignTo(party, other).find((f) => text.includes(f));
    if (seen) note("foreign", `statement of ${party.number} shows ${seen}`);
    else if (!text.includes(party.company)) note("unexplained", `statement of ${party.number} does not name ${party.company}`);
    else counts.downloads++;
  }
}

/** Support creating keys from the command line, in its own process, while all this goes on. */
async function support(until: number) {
  const exec = promisify(execFile);
  while (Date.now() < until) {
    try {
      const { stdout } = await exec(process.execPath, ["--import", "tsx", path.join("scripts", "admin.ts"), "api-key", "create", "--account", A.number], { env: { ...process.env, DATABASE_URL: t.url } });
      if (/^cpk_[\w-]{32}$/m.test(stdout)) counts.keys++;
      else note("unexplained", `admin printed ${stdout.slice(0, 200)}`);
    } catch (error) {
      note("unexplained", `admin failed: ${String(error).slice(0, 300)}`);
    }
  }
}

test("two accounts and a room holder at once, with writes beside reads: nobody sees another's data, nothing fails", async () => {
  const until = Date.now() + SOAK_MS;
  await Promise.all([owner(A, B, until), owner(B, A, until), holder(A, B, until), ingestion(A, until), ingestion(B, until), downloads(B, A, until), support(until)]);
  console.log(`soak ${SOAK_MS / 1000} s: ${JSON.stringify(counts)}`);
  assert.deepEqual(problems, []);
  assert.equal(counts.foreign + counts.wrongUser + counts.serverErrors + counts.unexplained, 0);
  // The soak did happen: each kind of work was done, and stale forms met their conflict.
  for (const kind of ["assigned", "conflicts", "ingests", "downloads", "keys"] as const) assert.ok(counts[kind] > 0, `no ${kind} in the soak`);
  assert.ok(counts.pages > 100, `only ${counts.pages} pages`);
});

test("the soak's budget alerts: each e-mailed once, each naming its own account only", async () => {
  const mails = () => {
    try {
      return readdirSync(path.join(outbox.dir, "outbox")).filter((f) => f.endsWith(".eml")).map((f) => readFileSync(path.join(outbox.dir, "outbox", f), "utf8").replace(/=\r?\n/g, ""));
    } catch {
      return [];
    }
  };
  const sent = async () => Number((await t.db.execute<{ n: string }>(sql`select count(*) as n from budget_alert_deliveries where status = 'sent'`)).rows[0]!.n);
  // Every account's two budgets went past 100 % of the soak's month: one e-mail each (80 % said in it).
  for (const end = Date.now() + 30_000; Date.now() < end && (await sent()) < 4; ) await new Promise((r) => setTimeout(r, 500));
  const files = mails();
  assert.equal(await sent(), 4, "two budgets of two accounts, one e-mail each");
  assert.equal(files.length, 4, "as many e-mails written as recorded sent");
  for (const party of [A, B]) {
    const own = files.filter((f) => f.includes(`owner@${party.number}.example`));
    assert.equal(own.length, 2, `${party.number}'s owner got two alerts`);
    const other = party === A ? B : A;
    for (const mail of own) assert.ok(!mail.includes(other.company) && !mail.includes(other.number), `${party.number}'s alert names nothing of ${other.number}`);
  }
});
