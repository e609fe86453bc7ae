import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { PassThrough, Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse/sync";
import { and, eq, sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { getDb } from "@/db/client";
import { accountMembers } from "@/db/schema";
import { generateTenant, type Tenant } from "@/scripts/bench/tenant";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { ValidationError } from "@/lib/errors";
import { ACCENTED, FORMULAS, LOOKALIKES } from "@/lib/export/testing/payloads";
import { writtenCells } from "@/lib/export/testing/xlsx-parts";
import { ingest } from "@/lib/ingest/ingest";
import { messages } from "@/lib/i18n/messages";
import { getReportPage } from "@/lib/data/reports";
import { reportDefinition } from "./definitions";
import { loadReportContext, reportExport, type ReportFormat } from "./export";
import { parseReportQuery, reportTypes, type ReportQuery, type ReportType } from "./query";

/**
 * Every report type on a generated tenant, against figures computed in SQL written independently
 * of the reports' own statements; every filter combination on a small fixture, checked exactly.
 */
let t: TestDatabase;
let tenant: Tenant;
const now = new Date("2026-11-24T10:00:00Z");
const RANGE = { from: "2026-03-15", to: "2026-10-20" };

const query = (type: ReportType, extra: Partial<ReportQuery> = {}): ReportQuery => ({ type, range: "custom", ...RANGE, cardholders: [], allCardholders: false, owners: [], groups: [], ungrouped: false, products: [], ...extra });

/** Reports are the owner's: the scope of the account's first owner. */
async function ownerOf(accountId: number): Promise<AccountScope> {
  const [owner] = await t.db.select({ userId: accountMembers.userId }).from(accountMembers).where(and(eq(accountMembers.accountId, accountId), eq(accountMembers.role, "owner"))).limit(1);
  return scopeOf(t.db, { userId: owner!.userId, accountId, roomId: null });
}

async function file(accountId: number, q: ReportQuery, format: ReportFormat) {
  const context = await loadReportContext(await ownerOf(accountId), "en", now);
  const exported = await reportExport(context, q, format);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (b: Buffer) => chunks.push(b));
  await exported.write(out);
  out.end();
  return { filename: exported.filename, body: Buffer.concat(chunks) };
}

/** The first sheet of the .xlsx export: four title lines, a blank line, the header on row 6, the lines from row 7. */
async function workbookOf(accountId: number, q: ReportQuery) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await file(accountId, q, "xlsx")).body as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

/** The CSV export: header, lines, total row (the byte-order mark it starts with left out). */
async function csv(accountId: number, q: ReportQuery) {
  const rows: string[][] = parseCsv((await file(accountId, q, "csv")).body, { bom: true });
  return { header: rows[0]!, lines: rows.slice(1, -1), total: rows.at(-1)! };
}

const seconds = (hms: string) => hms.split(":").reduce((s, part) => s * 60 + Number(part), 0);
const cents = (amount: string) => Math.round(Number(amount) * 100);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
/** Conferences that started in the range, written differently from the reports' own filter. */
const inRangeSql = sql`(c.started_at at time zone 'UTC')::date between ${RANGE.from}::date and ${RANGE.to}::date`;

before(async () => {
  t = await testDatabase();
  tenant = await generateTenant(t.db, { scale: 0.004, now });
});
after(() => t.close());

test("activity: conferences, legs, time and charge per cardholder and product match the legs", async () => {
  const a = tenant.accountId;
  const { rows } = await t.db.execute<{ email: string; product: string; conferences: string; legs: string; duration: string; charge: string }>(sql`
    select u.email, c.product, count(distinct c.id) as conferences, count(l.id) as legs, coalesce(sum(l.duration_s), 0) as duration, coalesce(sum(l.charge_minor), 0) as charge
    from conferences c join rooms r on r.id = c.room_id join users u on u.id = r.cardholder_id left join legs l on l.conference_id = c.id and l.account_id = c.account_id
    where c.account_id = ${a} and ${inRangeSql} group by u.email, c.product order by u.email, c.product`);
  const report = await csv(a, query("activity"));
  assert.deepEqual(report.header, ["Cardholder", "E-mail", "Product", "Rooms", "Conferences", "Participant legs", "Accumulated time", "Billable time", "Charge"]);
  const got = report.lines.map((l) => [l[1], l[2]!.toLowerCase(), Number(l[4]), Number(l[5]), seconds(l[6]!), cents(l[8]!)]).sort((x, y) => String(x[0]).localeCompare(String(y[0])) || String(x[1]).localeCompare(String(y[1])));
  assert.ok(rows.length > 3);
  assert.deepEqual(got, rows.map((r) => [r.email, r.product, Number(r.conferences), Number(r.legs), Number(r.duration), Number(r.charge)]));
  assert.equal(cents(report.total[8]!), sum(rows.map((r) => Number(r.charge))));
});

test("user status: every user of the account, with roles, status and rooms", async () => {
  const a = tenant.accountId;
  const { rows } = await t.db.execute<{ email: string; rooms: string; owner: boolean }>(sql`
    select u.email, (select count(*) from rooms r where r.account_id = ${a} and r.cardholder_id = u.id) as rooms,
           exists (select 1 from account_members m where m.account_id = ${a} and m.user_id = u.id and m.role = 'owner') as owner
    from users u where u.id in (select user_id from account_members where account_id = ${a} union select cardholder_id from rooms where account_id = ${a})
    order by u.email`);
  const report = await csv(a, query("user-status"));
  const got = report.lines.map((l) => [l[1], Number(l[5]), l[2]!.includes("Owner")]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.deepEqual(got, rows.map((r) => [r.email, Number(r.rooms), r.owner]));
  assert.equal(Number(report.total[5]), tenant.counts.rooms);
});

test("toll-free usage: every toll-free leg of the range", async () => {
  const a = tenant.accountId;
  const [expected] = (await t.db.execute<{ legs: string; duration: string; charge: string }>(sql`
    select count(*) as legs, sum(l.duration_s) as duration, sum(l.charge_minor) as charge from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id
    where l.account_id = ${a} and l.service_type = 'toll-free' and ${inRangeSql}`)).rows;
  const report = await csv(a, query("toll-free"));
  assert.ok(Number(expected!.legs) > 10);
  assert.equal(report.lines.length, Number(expected!.legs));
  assert.equal(sum(report.lines.map((l) => seconds(l[6]!))), Number(expected!.duration));
  assert.equal(sum(report.lines.map((l) => cents(l[8]!))), Number(expected!.charge));
  assert.equal(cents(report.total[8]!), Number(expected!.charge));
});

test("toll-free usage: a leg belongs to its conference's day, also when it joins on another day", async () => {
  const account = await createAccount(t.db, { number: "680001", company: "Edges SA" });
  await createUser(t.db, { email: "owner@edges.example", name: "Edges", password: "a long password", account: "680001", role: "owner" });
  await createRoom(t.db, { account: "680001", number: "681001", cardholder: "owner@edges.example" });
  // Conferences that start just before the range, inside it, and on its last evening; each leg a toll-free call.
  const legs = [
    { leg: "before-1", conference: "before", start: "2026-03-14T23:50:00Z", end: "2026-03-15T00:30:00Z" },
    { leg: "before-2", conference: "before", start: "2026-03-15T00:10:00Z", end: "2026-03-15T00:30:00Z" },
    { leg: "inside-1", conference: "inside", start: "2026-06-01T09:00:00Z", end: "2026-06-01T09:20:00Z" },
    { leg: "last-2", conference: "last", start: "2026-10-21T00:20:00Z", end: "2026-10-21T01:00:00Z" },
    { leg: "last-1", conference: "last", start: "2026-10-20T23:50:00Z", end: "2026-10-21T00:40:00Z" },
  ];
  const records = legs.map((l) => ({
    leg_id: l.leg, conference_id: l.conference, room_number: "681001", service_type: "toll-free", started_at: l.start, ended_at: l.end, caller_number: `+3310000000${l.leg.at(-1)}`, dialed_number: "+33800000000",
  }));
  const stored = await ingest(t.db, { accountId: account.id, label: "test" }, Readable.from(records.map((r) => `${JSON.stringify(r)}\n`)), "ndjson", { now });
  assert.ok(stored.ok && stored.accepted === legs.length, JSON.stringify(stored));
  const report = await csv(account.id, query("toll-free"));
  // Inside the range: "inside" and "last" (its second leg joins the day after the range), in the order they joined.
  assert.deepEqual(report.lines.map((l) => [l[0], l[1], l[4]]), [["2026-06-01", "09:00:00", "+33100000001"], ["2026-10-20", "23:50:00", "+33100000001"], ["2026-10-21", "00:20:00", "+33100000002"]]);
  assert.equal(seconds(report.total[6]!), 20 * 60 + 50 * 60 + 40 * 60, "the total (from the daily rollup) is the lines' sum");
  assert.match(report.total[0]!, /\(3\)/);
});

test("conference history, participation and usage: conferences, legs and pairs of the range", async () => {
  const a = tenant.accountId;
  const [e] = (await t.db.execute<{ conferences: string; legs: string; pairs: string; duration: string; charge: string; length: string }>(sql`
    select (select count(*) from conferences c where c.account_id = ${a} and ${inRangeSql}) as conferences,
           (select sum(extract(epoch from c.ended_at - c.started_at)) from conferences c where c.account_id = ${a} and ${inRangeSql}) as length,
           count(*) as legs, count(distinct (l.conference_id, l.service_type)) as pairs, sum(l.duration_s) as duration, sum(l.charge_minor) as charge
    from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id where l.account_id = ${a} and ${inRangeSql}`)).rows;
  const history = await csv(a, query("conference-history"));
  assert.equal(history.lines.length, Number(e!.conferences));
  assert.equal(sum(history.lines.map((l) => Number(l[7]))), Number(e!.legs));
  assert.equal(seconds(history.total[6]!), Number(e!.length));
  assert.equal(cents(history.total[10]!), Number(e!.charge));
  const participation = await csv(a, query("participation"));
  assert.equal(participation.lines.length, Number(e!.legs));
  assert.equal(seconds(participation.total[8]!), Number(e!.duration));
  assert.equal(sum(participation.lines.map((l) => cents(l[9]!))), Number(e!.charge));
  const usage = await csv(a, query("usage"));
  assert.equal(usage.lines.length, Number(e!.pairs));
  assert.equal(sum(usage.lines.map((l) => Number(l[5]))), Number(e!.legs));
  assert.equal(cents(usage.total[9]!), Number(e!.charge));
});

test("billing history: per GMT month and service type; months as dates in files", async () => {
  const a = tenant.accountId;
  const { rows } = await t.db.execute<{ month: string; service_type: string; legs: string; charge: string }>(sql`
    select to_char(date_trunc('month', c.started_at at time zone 'UTC'), 'YYYY-MM') as month, l.service_type, count(*) as legs, sum(l.charge_minor) as charge
    from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id where l.account_id = ${a} and ${inRangeSql}
    group by 1, 2 order by 1, 2`);
  const report = await csv(a, query("billing-history"));
  assert.equal(report.lines.length, rows.length);
  assert.deepEqual(report.lines.map((l) => [Number(l[3]), cents(l[6]!)]), rows.map((r) => [Number(r.legs), Number(r.charge)]));
  // CSV: an ISO month; .xlsx: the month's first day, shown as its name and year.
  assert.equal(report.lines[0]![0], "2026-03");
  const sheet = await workbookOf(a, query("billing-history"));
  const cell = sheet.getCell("A7");
  assert.deepEqual([cell.value, cell.numFmt], [new Date(Date.UTC(2026, 2, 1)), "mmmm yyyy"]);
});

test("conference rooms: every room, its first and last use and totals", async () => {
  const a = tenant.accountId;
  const { rows } = await t.db.execute<{ number: string; conferences: string; first: string | null; charge: string }>(sql`
    select r.number, count(c.id) as conferences, to_char(min(c.started_at) at time zone 'UTC', 'YYYY-MM-DD') as first,
           coalesce((select sum(l.charge_minor) from legs l join conferences c2 on c2.account_id = l.account_id and c2.id = l.conference_id
                     where c2.account_id = ${a} and c2.room_id = r.id and (c2.started_at at time zone 'UTC')::date between ${RANGE.from}::date and ${RANGE.to}::date), 0) as charge
    from rooms r left join conferences c on c.account_id = r.account_id and c.room_id = r.id and ${inRangeSql}
    where r.account_id = ${a} group by r.id, r.number order by r.number`);
  const report = await csv(a, query("conference-rooms"));
  assert.deepEqual(report.lines.map((l) => [l[0]!.replace(/ /g, ""), Number(l[6]), l[4] || null, cents(l[9]!)]), rows.map((r) => [r.number, Number(r.conferences), r.first, Number(r.charge)]));
});

test("every report: the total row is the sum of the lines, on screen page by page as in the files", async () => {
  const a = tenant.accountId;
  const c = { t: messages.en, locale: "en" as const, currency: "EUR" };
  for (const type of reportTypes) {
    const q = query(type);
    const def = reportDefinition(type);
    const first = await getReportPage(await ownerOf(a), q, "1", c);
    const lines = [...first.lines];
    for (let p = 2; p <= first.page.pages; p++) lines.push(...(await getReportPage(await ownerOf(a), q, String(p), c)).lines);
    assert.equal(lines.length, first.page.count, type);
    def.columns.forEach((col, i) => {
      if (!col.sum) return;
      assert.equal(first.total[i], sum(lines.map((l) => Number(l[i]))), `${type} ${col.key}`);
      assert.equal(first.subtotal[i], sum(first.lines.map((l) => Number(l[i]))), `${type} ${col.key} page`);
    });
    // The Excel file: same lines, and a total row whose values are those sums.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(Readable.from((await file(a, q, "xlsx")).body));
    const sheet = workbook.worksheets[0]!;
    // Four title lines (a fifth says an empty report is empty), a blank line, then the header.
    const header = 4 + (lines.length ? 0 : 1) + 2;
    assert.equal(sheet.rowCount, header + lines.length + 1, type);
    const totalRow = sheet.getRow(sheet.rowCount);
    def.columns.forEach((col, i) => {
      if (!col.sum && !col.overall) return;
      const cell = totalRow.getCell(i + 1).value as { result?: number | Date } | number | Date;
      const raw = typeof cell === "number" || cell instanceof Date ? cell : cell.result!;
      // A duration cell reads back as a date (its format is a time format): days since 1899-12-30.
      const value = raw instanceof Date ? (raw.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000 : raw;
      const scale = col.kind === "money" ? 100 : col.kind === "duration" ? 86400 : 1;
      assert.equal(Math.round(value * scale), first.total[i], `${type} xlsx ${col.key}`);
    });
  }
  // Past the last page: the last page.
  const last = await getReportPage(await ownerOf(a), query("participation"), "100000", c);
  assert.equal(last.page.page, last.page.pages);
});

test("an empty report says so plainly, in every format", async () => {
  const a = tenant.accountId;
  const q = query("usage", { from: "2026-11-24", to: "2026-11-24", products: ["training"] });
  const page = await getReportPage(await ownerOf(a), q, undefined, { t: messages.en, locale: "en", currency: "EUR" });
  assert.equal(page.page.count, 0);
  assert.match((await file(a, q, "html")).body.toString(), /No data matches this report/);
  const report = await csv(a, q);
  assert.equal(report.lines.length, 0);
  assert.deepEqual(report.total.slice(0, 1), ["Total (0)"]);
});

/** The participation report of the tenant as a file a client may leave: its export and that client. */
async function leavableExport(format: ReportFormat) {
  const client = new AbortController();
  const context = await loadReportContext(await ownerOf(tenant.accountId), "en", now, client.signal);
  return { client, exported: await reportExport(context, query("participation"), format) };
}

test("a file whose output closes part-way (the client left) stops and gives its connection back, in every format", async () => {
  const pool = (await getDb()).$client;
  for (const format of ["csv", "html", "xlsx"] as const) {
    const { client, exported } = await leavableExport(format);
    // Nobody reads: the writer soon waits for room, then the client leaves (as downloadResponse
    // sees it, the request's signal aborts and the output is destroyed).
    const output = new PassThrough({ highWaterMark: 1024 });
    const writing = exported.write(output).then(
      () => "ended",
      () => "stopped",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.abort();
    output.destroy();
    const outcome = await Promise.race([writing, new Promise((resolve) => setTimeout(resolve, 5_000, "still waiting"))]);
    assert.notEqual(outcome, "still waiting", `${format}: the writing stopped`);
    assert.equal(pool.totalCount - pool.idleCount, 0, `${format}: no connection left checked out`);
  }
});

test("a file whose client left before its first line is not written as an empty report", async () => {
  const pool = (await getDb()).$client;
  for (const format of ["csv", "html", "xlsx"] as const) {
    const { client, exported } = await leavableExport(format);
    client.abort();
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on("data", (chunk: Buffer) => chunks.push(chunk));
    const writing = exported.write(output).then(
      () => "ended",
      (error: Error) => error.name,
    );
    const outcome = await Promise.race([writing, new Promise((resolve) => setTimeout(resolve, 5_000, "still waiting"))]);
    assert.equal(outcome, "AbortError", format);
    assert.equal(Buffer.concat(chunks).length, 0, `${format}: nothing written`);
    assert.equal(pool.totalCount - pool.idleCount, 0, `${format}: no connection left checked out`);
  }
});

/** The fixture: two accounts; in the first, five people with one room each, two groups. */
type Fixture = { a: number; b: number; users: Record<string, number>; groups: Record<string, number>; foreign: { user: number; group: number } };
let fixture: Fixture | undefined;

async function loadFixture(): Promise<Fixture> {
  if (fixture) return fixture;
  const db = t.db;
  const a = await createAccount(db, { number: "660001", company: "Filters SA" });
  const b = await createAccount(db, { number: "670001", company: "Elsewhere SA" });
  const people = [
    { key: "owner", email: "owner@filters.example", role: "owner" as const, room: "661001", product: "audio" as const },
    { key: "u1", email: "u1@filters.example", role: "member" as const, room: "661002", product: "audio" as const },
    { key: "u2", email: "u2@filters.example", role: "member" as const, room: "661003", product: "web" as const },
    { key: "u3", email: "u3@filters.example", role: "member" as const, room: "661004", product: "webinar" as const },
    { key: "u5", email: "u5@filters.example", role: "member" as const, room: "661005", product: "training" as const },
  ];
  const users: Record<string, number> = {};
  for (const p of people) {
    const user = await createUser(db, { email: p.email, name: p.key.toUpperCase(), password: "a long password", account: "660001", role: p.role });
    users[p.key] = user.id;
    await createRoom(db, { account: "660001", number: p.room, cardholder: p.email, product: p.product });
  }
  const other = await createUser(db, { email: "x@elsewhere.example", name: "X", password: "a long password", account: "670001", role: "owner" });
  await createRoom(db, { account: "670001", number: "671001", cardholder: "x@elsewhere.example" });
  const group = async (account: number, name: string, members: number[]) => {
    const { rows } = await db.execute<{ id: string }>(sql`insert into groups (account_id, name) values (${account}, ${name}) returning id`);
    for (const m of members) await db.execute(sql`insert into group_members (account_id, group_id, user_id) values (${account}, ${rows[0]!.id}, ${m})`);
    return Number(rows[0]!.id);
  };
  const groups = { g1: await group(a.id, "G1", [users.u1!, users.u2!]), g2: await group(a.id, "G2", [users.u2!, users.u5!]) };
  const foreignGroup = await group(b.id, "GB", [other.id]);
  // One conference per room in the range, one more before it; legs of known length.
  const records = people.flatMap((p, i) =>
    [
      { id: `${p.room}-in`, start: `2026-06-1${i}T09:00:00Z`, end: `2026-06-1${i}T09:30:00Z` },
      { id: `${p.room}-old`, start: "2026-01-05T09:00:00Z", end: "2026-01-05T09:30:00Z" },
    ].flatMap((conference) =>
      [0, 1].map((leg) => ({
        leg_id: `${conference.id}-${leg}`,
        conference_id: conference.id,
        room_number: p.room,
        service_type: leg ? "toll-free" : "toll",
        started_at: conference.start,
        ended_at: conference.end,
        caller_name: `Caller ${leg}`,
        caller_number: "+33100000000",
        dialed_number: "+33800000000",
        product: p.product,
      })),
    ),
  );
  const stored = await ingest(db, { accountId: a.id, label: "test" }, Readable.from(records.map((r) => `${JSON.stringify(r)}\n`)), "ndjson", { now });
  assert.ok(stored.ok && stored.accepted === records.length, JSON.stringify(stored));
  fixture = { a: a.id, b: b.id, users, groups, foreign: { user: other.id, group: foreignGroup } };
  return fixture;
}

test("every combination of filters selects exactly the right rooms, conferences and users", async () => {
  const f = await loadFixture();
  const holders: Record<string, { user: string; product: string; groups: string[] }> = {
    "661001": { user: "owner", product: "audio", groups: [] },
    "661002": { user: "u1", product: "audio", groups: ["g1"] },
    "661003": { user: "u2", product: "web", groups: ["g1", "g2"] },
    "661004": { user: "u3", product: "webinar", groups: [] },
    "661005": { user: "u5", product: "training", groups: ["g2"] },
  };
  const kinds = ["cardholders", "owners", "groups", "ungrouped", "products"] as const;
  for (let mask = 0; mask < 1 << kinds.length; mask++) {
    const on = (k: (typeof kinds)[number]) => Boolean(mask & (1 << kinds.indexOf(k)));
    const filters: Partial<ReportQuery> = {
      cardholders: on("cardholders") ? [f.users.u1!, f.users.u3!] : [],
      owners: on("owners") ? [f.users.owner!] : [],
      groups: on("groups") ? [f.groups.g2!] : [],
      ungrouped: on("ungrouped"),
      products: on("products") ? ["audio", "web"] : [],
    };
    const anyPeople = on("cardholders") || on("owners") || on("groups") || on("ungrouped");
    const expected = Object.entries(holders)
      .filter(([, h]) => {
        const person =
          !anyPeople ||
          (on("cardholders") && ["u1", "u3"].includes(h.user)) ||
          (on("owners") && h.user === "owner") ||
          (on("groups") && h.groups.includes("g2")) ||
          (on("ungrouped") && h.groups.length === 0);
        return person && (!on("products") || ["audio", "web"].includes(h.product));
      })
      .map(([room]) => room);
    const label = JSON.stringify(filters);
    const rooms = await csv(f.a, query("conference-rooms", filters));
    assert.deepEqual(rooms.lines.map((l) => l[0]!.replace(/ /g, "")), expected, `rooms ${label}`);
    // One conference per room in the range; the January ones are outside it.
    assert.deepEqual(rooms.lines.map((l) => Number(l[6])), expected.map(() => 1), `conferences ${label}`);
    const history = await csv(f.a, query("conference-history", filters));
    assert.deepEqual(history.lines.map((l) => l[3]!.replace(/ /g, "")).sort(), expected, `history ${label}`);
    // Billing history reads the daily rollup, filtered by the rooms of the people ticked: the same legs.
    const billing = await csv(f.a, query("billing-history", filters));
    const sum = (lines: string[][], column: number) => lines.reduce((total, l) => total + Number(l[column]), 0);
    assert.equal(sum(billing.lines, 3), sum(history.lines, 7), `billing history's legs ${label}`);
    const tollFree = await csv(f.a, query("toll-free", filters));
    assert.deepEqual(tollFree.lines.map((l) => l[2]!.replace(/ /g, "")).sort(), expected, `toll-free ${label}`);
    const people = await csv(f.a, query("user-status", filters));
    assert.deepEqual(people.lines.map((l) => l[0]).sort(), expected.map((room) => holders[room]!.user.toUpperCase()).sort(), `users ${label}`);
  }
});

test("every cardholder: the usage reports of everyone; user status of the cardholders only, with what else is ticked", async () => {
  const f = await loadFixture();
  for (const type of ["conference-rooms", "conference-history", "toll-free", "participation", "usage", "activity"] as const) {
    const all = await csv(f.a, query(type, { allCardholders: true }));
    assert.deepEqual(all, await csv(f.a, query(type)), type);
  }
  const users = async (filters: Partial<ReportQuery>) => (await csv(f.a, query("user-status", filters))).lines.map((l) => l[0]).sort();
  // A member who holds no room is in the account's users, not among every cardholder.
  await createUser(t.db, { email: "u6@filters.example", name: "U6", password: "a long password", account: "660001", role: "member" });
  assert.deepEqual(await users({}), ["OWNER", "U1", "U2", "U3", "U5", "U6"]);
  assert.deepEqual(await users({ allCardholders: true }), ["OWNER", "U1", "U2", "U3", "U5"]);
  assert.deepEqual(await users({ allCardholders: true, ungrouped: true }), ["OWNER", "U1", "U2", "U3", "U5", "U6"]);
  const context = await loadReportContext(await ownerOf(f.a), "en", now);
  const exported = await reportExport(context, query("usage", { allCardholders: true, products: ["audio"] }), "html");
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (b: Buffer) => chunks.push(b));
  await exported.write(out);
  assert.match(Buffer.concat(chunks).toString(), /Filters: Cardholders: all · Products: Audio/);
});

test("unknown or foreign filter ids are refused with a clear message, and no file is made", async () => {
  const f = await loadFixture();
  const context = await loadReportContext(await ownerOf(f.a), "en", now);
  const refused = async (filters: Partial<ReportQuery>, pattern: RegExp) =>
    assert.rejects(reportExport(context, query("activity", filters), "xlsx"), (error: unknown) => error instanceof ValidationError && pattern.test(error.message));
  await refused({ cardholders: [f.foreign.user] }, new RegExp(`cardholders are not part of this account: ${f.foreign.user}`));
  await refused({ cardholders: [9_999_999] }, /not part of this account: 9999999/);
  await refused({ owners: [f.users.u1!] }, /owners are not part of this account/);
  await refused({ groups: [f.foreign.group] }, /groups are not part of this account/);
  const fr = await loadReportContext(await ownerOf(f.a), "fr", now);
  await assert.rejects(reportExport(fr, query("usage", { groups: [f.foreign.group] }), "csv"), /Ces groupes ne font pas partie de ce compte/);
});

test("phone numbers and rates: the account's numbers and the provider's, with the rate in force", async () => {
  const f = await loadFixture();
  await t.db.execute(sql`insert into access_numbers (account_id, number, country, service_type) values
    (${f.a}, '+33 1 70 00 00 01', 'France', 'toll'), (null, '+33 800 00 00 01', 'France', 'toll-free'), (${f.b}, '+44 20 0000 0000', 'United Kingdom', 'toll')`);
  await setTariff(t.db, { account: "660001", serviceType: "toll", rate: "0.0450", from: "2026-01-01" });
  const report = await csv(f.a, query("phone-numbers"));
  assert.deepEqual(
    report.lines.map((l) => l.slice(0, 4)),
    [
      ["+33 1 70 00 00 01", "France", "Toll", "0.0450"],
      ["+33 800 00 00 01", "France", "Toll-free", report.lines[1]![3]!],
    ],
  );
  assert.match(report.lines[1]![3]!, /^0\.\d{4}$/);
  // In .xlsx: the rate a number in the account's currency, its four decimals kept; the number text without any mark.
  const sheet = await workbookOf(f.a, query("phone-numbers"));
  assert.deepEqual([sheet.getCell("D7").value, sheet.getCell("D7").numFmt], [0.045, '#,##0.00## "€"']);
  assert.deepEqual([sheet.getCell("A7").value, sheet.getCell("A7").numFmt], ["+33 1 70 00 00 01", "@"]);
  const xlsx = writtenCells((await file(f.a, query("phone-numbers"), "xlsx")).body);
  assert.equal(xlsx.get("A7")!.quotePrefix, false);
});

test("billing history counts each conference once, also when its legs are of two service types", async () => {
  const f = await loadFixture();
  // In the range: one conference per room (five), each with a toll leg and a toll-free leg.
  const report = await csv(f.a, query("billing-history"));
  assert.deepEqual(report.lines.map((l) => [l[0], l[1], l[2], l[3]]), [["2026-06", "Toll", "5", "5"], ["2026-06", "Toll-free", "5", "5"]]);
  assert.equal(report.total[2], "5", "five conferences, not ten");
  assert.equal(report.total[3], "10", "ten legs");
  const page = await getReportPage(await ownerOf(f.a), query("billing-history"), undefined, { t: messages.en, locale: "en", currency: "EUR" });
  assert.equal(page.total[2], 5);
  const sheet = await workbookOf(f.a, query("billing-history"));
  const total = sheet.getRow(sheet.rowCount);
  assert.deepEqual([total.getCell(3).value, total.getCell(4).value], [5, { formula: "SUM(D7:D8)", result: 10 }]);
  const html = (await file(f.a, query("billing-history"), "html")).body.toString();
  assert.match(html, /<tfoot><tr><td>Total \(2 lines\)<\/td><td><\/td><td class="n">5<\/td><td class="n">10<\/td>/);
  assert.match(html, /<\/table><p>A conference whose participants joined by several service types is on each of their lines; the total counts it once\.<\/p>/);
});

test("file names say what they hold", async () => {
  const f = await loadFixture();
  assert.equal((await file(f.a, query("toll-free"), "xlsx")).filename, "report-660001-toll-free-2026-03-15_2026-10-20.xlsx");
  assert.equal((await file(f.a, query("user-status"), "csv")).filename, "report-660001-user-status-2026-11-24.csv");
  const parsed = parseReportQuery(new URLSearchParams("type=usage&range=previous-month"), now);
  assert.ok(parsed.ok);
  assert.equal((await file(f.a, parsed.query, "html")).filename, "report-660001-usage-2026-10-01_2026-10-31.html");
});

test("formula-looking text: a leading quote in CSV but for numbers and phone numbers, after a BOM; unchanged in .xlsx, quote-prefixed but for those", async () => {
  const account = await createAccount(t.db, { number: "690001", company: "Formulas SA" });
  await createUser(t.db, { email: "holder@formulas.example", name: "@SUM(1+1)", password: "a long password", account: "690001", role: "owner" });
  await createRoom(t.db, { account: "690001", number: "691001", cardholder: "holder@formulas.example" });
  // Caller names and numbers as ingest stores them; a line each, in this order.
  const names = [...FORMULAS, ...LOOKALIKES, ACCENTED];
  const numbers = ["+33 7 94 39 18 55", "(555) 123-4567", "=1+1"];
  const records = names.map((name, i) => ({
    leg_id: `formula-${i}`, conference_id: "formulas", room_number: "691001", service_type: "toll", started_at: `2026-06-01T09:${String(i).padStart(2, "0")}:00Z`, ended_at: "2026-06-01T10:00:00Z",
    caller_name: name, caller_number: numbers[i % numbers.length], dialed_number: "+33800000000",
  }));
  const stored = await ingest(t.db, { accountId: account.id, label: "test" }, Readable.from(records.map((r) => `${JSON.stringify(r)}\n`)), "ndjson", { now });
  assert.ok(stored.ok && stored.accepted === names.length, JSON.stringify(stored));
  // Ingest trims a leading tab or carriage return: those two names are stored as they would be by another path.
  for (const [i, name] of names.entries()) if (/^\s/.test(name)) await t.db.execute(sql`update legs set participant_name = ${name} where account_id = ${account.id} and external_id = ${`formula-${i}`}`);

  const body = (await file(account.id, query("participation"), "csv")).body;
  assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf], "the CSV starts with a UTF-8 byte-order mark");
  const participation = await csv(account.id, query("participation"));
  assert.equal(participation.header[0], "Conference date");
  assert.deepEqual(
    participation.lines.map((l) => l[3]),
    [...FORMULAS.map((name) => `'${name}`), "+33 7 94 39 18 55", "-12.5", "(555) 123-4567", ACCENTED],
  );
  assert.deepEqual(
    participation.lines.map((l) => l[4]),
    names.map((_, i) => (i % 3 === 2 ? "'=1+1" : numbers[i % 3])),
  );
  const history = await csv(account.id, query("conference-history"));
  assert.equal(history.lines[0]![4], "'@SUM(1+1)", "the cardholder's name");

  const xlsx = (await file(account.id, query("participation"), "xlsx")).body;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  // Four title lines, a blank line, the header on row 6: the lines from row 7.
  assert.equal(sheet.getCell("D6").value, "Participant");
  assert.deepEqual(names.map((_, i) => sheet.getCell(`D${7 + i}`).value), names, "each name exactly, without an apostrophe");
  assert.deepEqual(names.map((_, i) => sheet.getCell(`E${7 + i}`).value), names.map((_, i) => (i % 3 === 2 ? "=1+1" : numbers[i % 3])));
  const cells = writtenCells(xlsx);
  for (const [i, name] of names.entries()) {
    // Formulas are quote-prefixed; the look-alikes (a phone number, a negative amount) and plain names are not.
    const quoted = FORMULAS.includes(name);
    assert.deepEqual(cells.get(`D${7 + i}`), { type: "str", formula: undefined, value: name, quotePrefix: quoted }, JSON.stringify(name));
    // Phone numbers: no quote prefix (the Text format keeps them text); "=1+1" is guarded.
    assert.deepEqual(cells.get(`E${7 + i}`), { type: "str", formula: undefined, value: sheet.getCell(`E${7 + i}`).value, quotePrefix: i % 3 === 2 }, `number ${i}`);
    assert.equal(sheet.getCell(`E${7 + i}`).numFmt, "@");
  }
});
