import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { parse as parseCsv } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { createAccount, createApiKey, createRoom, createUser } from "@/lib/admin/support";
import { writtenCells, zipEntry } from "@/lib/export/testing/xlsx-parts";
import { reportTypes, type ReportType } from "@/lib/reports/query";
import { getPage, login } from "../scripts/bench/http";
import { startTestPortal, type TestPortal } from "../scripts/lib/test-portal";

/**
 * Escape by default, end to end, against the production build: a company, cardholders, caller
 * names and phone numbers holding markup (`<img onerror>`), entity-like text (`&amp;`) and quotes,
 * stored through the real paths (support commands, the CDR API), read as that very text in every
 * table page and every file, and never as markup. (Printing is the page itself, under the print
 * stylesheet: the pages' checks cover it.)
 */
const COMPANY = `<script>alert("company")</script> & Co 'SA'`;
const OWNER = `<img src=x onerror=alert('owner')>`;
const HOLDER = `Tom &amp; "Jerry" O'Neil`;
const CALLER = `<img src=x onerror=alert("caller")>`;
const CALLER_AMP = `Ann &lt;b&gt; & 'Bo' "Ek"`;
const PHONE = `(0)1 <i>2</i> & "3" '4'`;
const DIALED = `<svg onload=alert(4)>`;
/** An access number's country: the provider's data (no portal path writes it), escaped all the same. */
const COUNTRY = `Monaco <i>2</i> & 'co'`;
/** What an injected element would look like in a page or file, were any of the texts not escaped. */
const MARKUP = ["<script>alert", "<img src=x", "<i>2</i>", "<svg onload"];

const ACCOUNT = "680001";
const OWNER_ROOM = "681001";
const HOLDER_ROOM = "681002";
const PASSWORD = "a long password";

let portal: TestPortal;
let cookie: string;
let conferenceId: number;
let period: string;
let range: string;

/** A CDR line as NDJSON: the legs of one conference per room, a caller of each kind. */
const leg = (id: string, conference: string, room: string, serviceType: string, minute: number, callerName: string, callerNumber: string, dialedNumber = "+33800000000") =>
  JSON.stringify({
    leg_id: id,
    conference_id: conference,
    room_number: room,
    service_type: serviceType,
    started_at: `${period}-01T09:0${minute}:00Z`,
    ended_at: `${period}-01T09:3${minute}:00Z`,
    caller_name: callerName,
    caller_number: callerNumber,
    dialed_number: dialedNumber,
  });

before(async () => {
  portal = await startTestPortal();
  period = portal.period;
  const [year, month] = period.split("-").map(Number);
  range = `range=custom&from=${period}-01&to=${period}-${new Date(Date.UTC(year!, month!, 0)).getUTCDate()}`;
  const { db } = portal.t;
  await createAccount(db, { number: ACCOUNT, company: COMPANY });
  await createUser(db, { email: "owner@escape.example", name: OWNER, password: PASSWORD, account: ACCOUNT, role: "owner" });
  await createUser(db, { email: "holder@escape.example", name: HOLDER, password: PASSWORD, account: ACCOUNT });
  await createRoom(db, { account: ACCOUNT, number: OWNER_ROOM, cardholder: "owner@escape.example" });
  await createRoom(db, { account: ACCOUNT, number: HOLDER_ROOM, cardholder: "holder@escape.example", autoCode: "AUTO-1" });
  const body = [
    leg("e1", "esc1", OWNER_ROOM, "toll", 0, CALLER, PHONE),
    leg("e2", "esc1", OWNER_ROOM, "toll-free", 1, CALLER_AMP, PHONE, DIALED),
    leg("e3", "esc2", HOLDER_ROOM, "toll", 2, HOLDER, "+33100000003"),
  ].join("\n");
  const { key } = await createApiKey(db, { account: ACCOUNT });
  await db.execute(sql`insert into access_numbers (account_id, number, country, service_type) select id, '+377 00 00 00 00', ${COUNTRY}, 'toll' from accounts where number = ${ACCOUNT}`);
  const ingested = await fetch(`${portal.server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/x-ndjson" }, body });
  assert.equal(ingested.status, 200, await ingested.text());
  const { rows } = await db.execute<{ id: string }>(sql`select c.id from conferences c join accounts a on a.id = c.account_id where a.number = ${ACCOUNT} and c.external_id = 'esc1'`);
  conferenceId = Number(rows[0]!.id);
  cookie = await login(portal.server.url, { username: "owner@escape.example", password: PASSWORD, number: ACCOUNT });
});
after(() => portal?.stop());

/** The text a reader sees of some HTML: tags left out, character references read. */
function textOf(markup: string): string {
  return markup
    .replace(/<[^>]*>/g, "")
    .replace(/&(lt|gt|amp|quot|apos|#\d+|#x[\da-f]+);/gi, (_, e: string) =>
      e[0] === "#" ? String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }[e.toLowerCase()]!,
    );
}

/** No markup of the texts anywhere in the page or file, its scripts included. */
function assertNoMarkup(what: string, raw: string) {
  for (const marker of MARKUP) assert.ok(!raw.includes(marker), `${what}: holds ${marker} as markup`);
}

/** The HTML of the table with this data-testid. */
function table(page: string, testId: string, what = testId): string {
  const found = new RegExp(`<table[^>]*data-testid="${testId}"[^>]*>[\\s\\S]*?</table>`).exec(page)?.[0];
  assert.ok(found, `${what}: a table ${testId}`);
  return found;
}

async function page(path: string): Promise<string> {
  const { status, body } = await getPage(`${portal.server.url}${path}`, cookie);
  assert.equal(status, 200, path);
  assertNoMarkup(path, body);
  return body;
}

function assertShows(what: string, text: string, expected: string[]) {
  for (const value of expected) assert.ok(text.includes(value), `${what} shows ${JSON.stringify(value)} as it is`);
}

test("the account summary's rooms: cardholders as text", async () => {
  const body = await page(`/account?period=${period}`);
  assertShows("the room table", textOf(table(body, "room-usage")), [OWNER, HOLDER]);
  assertShows("the page", textOf(body), [COMPANY]);
  await page(`/account?period=${period}&sort=code`);
});

test("the account's conferences, with a billing code asked for that holds markup", async () => {
  table(await page(`/account/conferences?period=${period}&code=`), "conference-list");
  await page(`/account/conferences?period=${period}&code=${encodeURIComponent(`<i>2</i>&amp;"'`)}`);
});

test("the room page and the conference page: cardholder, callers and their numbers as text", async () => {
  const room = await page(`/rooms/${OWNER_ROOM}?period=${period}`);
  table(room, "conference-list");
  assertShows("the room page", textOf(room), [OWNER]);
  const conference = await page(`/rooms/${OWNER_ROOM}/conferences/${conferenceId}`);
  assertShows("the participants", textOf(table(conference, "participants")), [CALLER, CALLER_AMP, PHONE]);
});

/** The texts each report shows of the account (the others show none of them: they still must not hold markup). */
const REPORTED: Record<ReportType, string[]> = {
  activity: [OWNER, HOLDER],
  "user-status": [OWNER, HOLDER],
  "toll-free": [OWNER, PHONE, DIALED],
  "conference-history": [OWNER, HOLDER],
  participation: [CALLER, CALLER_AMP, PHONE, HOLDER],
  "billing-history": [],
  "phone-numbers": [COUNTRY],
  usage: [OWNER, HOLDER],
  "conference-rooms": [OWNER, HOLDER],
};

test("every report on the page: its lines as text", async () => {
  for (const type of reportTypes) {
    const body = await page(`/reports?type=${type}&${range}`);
    assertShows(type, textOf(table(body, "report-table", type)), REPORTED[type]);
    assertShows(`${type}'s heading`, textOf(body), [COMPANY]);
  }
});

async function download(path: string): Promise<Buffer> {
  const response = await fetch(`${portal.server.url}${path}`, { headers: { cookie } });
  assert.equal(response.status, 200, path);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Every text cell of every sheet, as written. (exceljs's reader decodes a cell's text twice:
 * `&amp;amp;` would read back as `&`, so it cannot tell a right file from a wrong one here.)
 */
function sheetTexts(xlsx: Buffer): string[] {
  const sheets = zipEntry(xlsx, "xl/workbook.xml").match(/<sheet\b/g)?.length ?? 0;
  assert.ok(sheets > 0, "a workbook with sheets");
  return Array.from({ length: sheets }, (_, i) => [...writtenCells(xlsx, i + 1).values()].flatMap((cell) => (cell.type === "str" && cell.value !== undefined ? [cell.value] : []))).flat();
}

const inTitle = (texts: string[]) => texts.some((t) => t.includes(COMPANY));

test("every report file — Excel, CSV, HTML: the same texts, exactly, and no markup", async () => {
  for (const type of reportTypes) {
    const base = `/reports/download?type=${type}&${range}`;
    const xlsx = sheetTexts(await download(`${base}&format=xlsx`));
    for (const value of REPORTED[type]) assert.ok(xlsx.includes(value), `${type}.xlsx: a cell ${JSON.stringify(value)}`);
    assert.ok(inTitle(xlsx), `${type}.xlsx: the company in the title`);

    const csv = (await download(`${base}&format=csv`)).toString("utf8");
    const cells = (parseCsv(csv, { bom: true, relax_column_count: true }) as string[][]).flat();
    for (const value of REPORTED[type]) assert.ok(cells.includes(value), `${type}.csv: a cell ${JSON.stringify(value)}`);

    const html = (await download(`${base}&format=html`)).toString("utf8");
    assertNoMarkup(`${type}.html`, html);
    const cellTexts = [...html.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => textOf(m[1]!));
    for (const value of REPORTED[type]) assert.ok(cellTexts.includes(value), `${type}.html: a cell ${JSON.stringify(value)}`);
    assertShows(`${type}.html`, textOf(html), [COMPANY]);
  }
});

test("every download button's Excel file: the texts exactly", async () => {
  const files: [string, string[]][] = [
    [`/download/account?period=${period}`, [OWNER, HOLDER]],
    [`/download/account?period=${period}&sort=code`, []],
    [`/download/statement?period=${period}`, [OWNER, HOLDER]],
    [`/download/room?room=${OWNER_ROOM}&period=${period}`, [OWNER]],
    [`/download/conference?room=${OWNER_ROOM}&conference=${conferenceId}&period=${period}`, [CALLER, CALLER_AMP, PHONE]],
  ];
  for (const [path, expected] of files) {
    const texts = sheetTexts(await download(path));
    for (const value of expected) assert.ok(texts.includes(value), `${path}: a cell ${JSON.stringify(value)}`);
    assert.ok(inTitle(texts), `${path}: the company in the title`);
  }
});

test("a report download refused for what it asks: the request's text is shown, escaped", async () => {
  const refusals = [
    { query: `type=${encodeURIComponent(OWNER)}&format=html`, shown: OWNER },
    { query: `type=activity&format=${encodeURIComponent(DIALED)}`, shown: `format: ${DIALED.slice(0, 20)}` },
  ];
  for (const { query, shown } of refusals) {
    const response = await fetch(`${portal.server.url}/reports/download?${query}`, { headers: { cookie } });
    assert.equal(response.status, 422, query);
    const body = await response.text();
    assertNoMarkup(query, body);
    assertShows(query, textOf(body), [shown]);
  }
});
