import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { createAccount, createApiKey, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { freePort } from "../../../../scripts/lib/postgres";
import { getPage, login } from "../../../../scripts/bench/http";
import { startServer, type RunningServer } from "../../../../scripts/bench/server";

/**
 * The ingest API through real HTTP against the production build, with real CSV and NDJSON files.
 * Rates (default tariff): toll 0.0900 €/min, toll-free 0.1450, VoIP 0.0200; per started minute, minimum 1 min.
 */
let t: TestDatabase;
let server: RunningServer;
let key: string;
let otherKey: string;
let otherOwner: string;
const MAX_BYTES = 16_000_000;
/** The server drops a body that sends nothing for this long (INGEST_IDLE_TIMEOUT_MS). */
const IDLE_MS = 1500;

const HEADER = "leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product";

async function post(body: string | Uint8Array<ArrayBuffer>, options: { key?: string; type?: string } = {}) {
  const response = await fetch(`${server.url}/api/v1/cdrs`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.key ?? key}`, "content-type": options.type ?? "text/csv" },
    body: typeof body === "string" ? body : new Blob([body]),
  });
  const json = response.headers.get("content-type")?.includes("json");
  return { status: response.status, body: (json ? await response.json() : { text: await response.text() }) as Record<string, unknown> & { errors?: { line: number; field: string; message: string }[] } };
}

const count = async (table: "legs" | "conferences") => (await t.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`))).rows[0]!.n;

before(async () => {
  t = await testDatabase();
  for (const [serviceType, rate] of [["toll", "0.0900"], ["toll-free", "0.1450"], ["voip", "0.0200"], ["dial-out", "0.1150"], ["operator-assisted", "0.9500"]] as const) {
    await setTariff(t.db, { serviceType, rate, from: "2000-01-01" });
  }
  await createAccount(t.db, { number: "610001", company: "Ingest SA" });
  await createAccount(t.db, { number: "620001", company: "Other SA" });
  await createUser(t.db, { email: "holder@ingest.example", name: "Holder", password: "a long password", account: "610001" });
  await createUser(t.db, { email: "holder@other.example", name: "Other", password: "a long password", account: "620001" });
  await createUser(t.db, { email: "owner@other.example", name: "Other owner", password: "a long password", account: "620001", role: "owner" });
  await createRoom(t.db, { account: "610001", number: "611111", cardholder: "holder@ingest.example" });
  await createRoom(t.db, { account: "610001", number: "611112", cardholder: "holder@ingest.example", autoCode: "AUTO-1" });
  await createRoom(t.db, { account: "620001", number: "621111", cardholder: "holder@other.example" });
  // A rate change inside November for this account's toll calls only.
  await setTariff(t.db, { account: "610001", serviceType: "toll", rate: "0.1000", from: "2026-11-15" });
  key = (await createApiKey(t.db, { account: "610001" })).key;
  otherKey = (await createApiKey(t.db, { account: "620001" })).key;
  server = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { INGEST_MAX_BYTES: String(MAX_BYTES), INGEST_IDLE_TIMEOUT_MS: String(IDLE_MS) } });
  otherOwner = await login(server.url, { username: "owner@other.example", password: "a long password", number: "620001" });
});
after(async () => {
  await server?.stop();
  await t.close();
});

const MIXED = [
  HEADER,
  // 61 s toll before the rate change → 2 min × 0.09 = 0,18
  "L1,C1,611111,toll,2026-11-10T09:00:00+01:00,2026-11-10T09:01:01+01:00,Anne,+33 1 11 11 11 11,+33 1 70 37 22 84,,",
  // 59 s toll-free → minimum 1 min × 0.145 = 0,145 → 0,15 (half up)
  "L2,C1,611111,toll-free,2026-11-10T09:00:30+01:00,2026-11-10T09:01:29+01:00,Bruno,+33 2 22 22 22 22,0 800 91 04 27,,",
  // 3 min toll-free → 0,435 → 0,44
  "L3,C1,611111,toll-free,2026-11-10T09:02:00+01:00,2026-11-10T09:05:00+01:00,Claire,,0 800 91 04 27,,",
  // a zero-length leg is stored but not billed
  "L4,C1,611111,toll,2026-11-10T09:03:00+01:00,2026-11-10T09:03:00+01:00,Dropped,,,,",
  // toll after the account's rate change: 60 s × 0.10 = 0,10; keypad code
  "L5,C2,611111,toll,2026-11-16T10:00:00Z,2026-11-16T10:01:00Z,Emma,,,PROJ-7,",
  // VoIP 1 h → 60 × 0.02 = 1,20; the room's auto code
  "L6,C3,611112,voip,2026-11-16T11:00:00Z,2026-11-16T12:00:00Z,Farid,,,,web",
].join("\n");

test("a mixed batch is rated to the cent and shows in the portal when the request returns", async () => {
  const response = await post(MIXED);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(response.body, { accepted: 6, duplicates: 0, late: 0 });
  const { rows } = await t.db.execute<{ external_id: string; billable_s: number; charge_minor: string }>(sql`select external_id, billable_s, charge_minor from legs order by external_id`);
  assert.deepEqual(rows.map((r) => [r.external_id, r.billable_s, Number(r.charge_minor)]), [
    ["L1", 120, 18],
    ["L2", 60, 15],
    ["L3", 180, 44],
    ["L4", 0, 0],
    ["L5", 60, 10],
    ["L6", 3600, 120],
  ]);
  const { rows: conferences } = await t.db.execute<{ external_id: string; started_at: Date; ended_at: Date; billing_code: string | null; billing_code_source: string | null; product: string }>(sql`
    select external_id, started_at, ended_at, billing_code, billing_code_source, product from conferences order by external_id`);
  assert.deepEqual(conferences.map((c) => [c.external_id, new Date(c.started_at).toISOString(), new Date(c.ended_at).toISOString(), c.billing_code, c.billing_code_source, c.product]), [
    ["C1", "2026-11-10T08:00:00.000Z", "2026-11-10T08:05:00.000Z", null, null, "audio"],
    ["C2", "2026-11-16T10:00:00.000Z", "2026-11-16T10:01:00.000Z", "PROJ-7", "keypad", "audio"],
    ["C3", "2026-11-16T11:00:00.000Z", "2026-11-16T12:00:00.000Z", "AUTO-1", "auto", "web"],
  ]);
  // The rollups the account page reads have it all.
  const { rows: rollups } = await t.db.execute<{ charge: string; legs: string }>(sql`select sum(charge_minor) as charge, sum(legs) as legs from usage_rollups where period = '2026-11-01'`);
  assert.equal(Number(rollups[0]!.charge), 18 + 15 + 44 + 10 + 120);
  assert.equal(Number(rollups[0]!.legs), 6);
});

test("the same file twice: all duplicates, nothing changes", async () => {
  const before = await count("legs");
  const response = await post(MIXED);
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { accepted: 0, duplicates: 6, late: 0 });
  assert.equal(await count("legs"), before);
});

test("a later leg extends its conference; NDJSON works the same", async () => {
  const line = JSON.stringify({ leg_id: "L7", conference_id: "C1", room_number: 611111, service_type: "toll", started_at: "2026-11-10T07:55:00Z", ended_at: "2026-11-10T08:20:00Z", caller_name: "Late Joiner" });
  const response = await post(`${line}\n`, { type: "application/x-ndjson" });
  assert.deepEqual(response.body, { accepted: 1, duplicates: 0, late: 0 });
  const { rows } = await t.db.execute<{ started_at: Date; ended_at: Date }>(sql`select started_at, ended_at from conferences where external_id = 'C1'`);
  assert.equal(new Date(rows[0]!.started_at).toISOString(), "2026-11-10T07:55:00.000Z");
  assert.equal(new Date(rows[0]!.ended_at).toISOString(), "2026-11-10T08:20:00.000Z");
  const { rows: exact } = await t.db.execute<{ diff: number }>(sql`
    select count(*)::int as diff from usage_rollups u
    where u.charge_minor <> (select coalesce(sum(l.charge_minor), 0) from legs l join conferences c on c.account_id = l.account_id and c.id = l.conference_id
                             where c.period = u.period and c.room_id = u.room_id and coalesce(c.billing_code, '') = u.billing_code)`);
  assert.equal(exact[0]!.diff, 0);
});

test("names and numbers are stored as sent: tabs, backslashes, line breaks, accents, emoji, long texts", async () => {
  const names = ["Tab\there", "Back\\slash \\N", "Two\nlines\r\nand CR", "Zoë Ç. Łukasz 😀 \\ \t tail", "é".repeat(200), `${"x".repeat(199)}\\`];
  const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;
  const lines = [HEADER, ...names.map((name, i) => `N${i},NC,611111,voip,2026-11-12T10:00:00Z,2026-11-12T10:01:00Z,${quoted(name)},+33 (0)1 ${i},\\${i},,`)];
  const response = await post(lines.join("\n"));
  assert.deepEqual(response.body, { accepted: names.length, duplicates: 0, late: 0 });
  const { rows } = await t.db.execute<{ participant_name: string; caller_number: string; dialed_number: string }>(
    sql`select participant_name, caller_number, dialed_number from legs where external_id like 'N%' order by external_id`,
  );
  assert.deepEqual(rows, names.map((name, i) => ({ participant_name: name, caller_number: `+33 (0)1 ${i}`, dialed_number: `\\${i}` })));
});

test("a NUL character in a text is refused with its own message, nothing written", async () => {
  const before = await count("legs");
  const response = await post([HEADER, "Z1,ZC,611111,voip,2026-11-12T10:00:00Z,2026-11-12T10:01:00Z,Nul\u0000name,,,,"].join("\n"));
  assert.equal(response.status, 422);
  assert.deepEqual(response.body.errors, [{ line: 2, field: "caller_name", message: "must not contain the NUL character" }]);
  assert.equal(await count("legs"), before);
});

test("one bad row among 10,000: 422 naming its line, and no row written", async () => {
  const before = await count("legs");
  const lines = [HEADER];
  for (let i = 0; i < 10_000; i++) {
    const start = new Date(Date.UTC(2026, 10, 2, 8) + i * 60_000);
    const end = new Date(start.getTime() + 90_000);
    lines.push(`B${i},BC${Math.floor(i / 5)},611111,${i === 7_321 ? "carrier-pigeon" : "toll"},${start.toISOString()},${end.toISOString()},P${i},,,,`);
  }
  const response = await post(lines.join("\n"));
  assert.equal(response.status, 422);
  assert.deepEqual(response.body.errors, [{ line: 7_323, field: "service_type", message: "must be one of toll, toll-free, dial-out, voip, operator-assisted" }]);
  assert.equal(await count("legs"), before);
});

test("each kind of bad value gets its own message", async () => {
  const rows = [
    HEADER,
    "M1,MC,611111,toll,2026-11-03 10:00,2026-11-03T10:05:00Z,,,,,",
    "M2,MC,611111,toll,2026-11-01T00:00:00Z,2026-11-03T01:00:00Z,,,,,",
    "M3,MC,611111,teleport,2026-11-03T10:00:00Z,2026-11-03T10:05:00Z,,,,,",
    `M4,MC,611111,toll,2026-11-03T10:00:00Z,2026-11-03T10:05:00Z,,,,${"X".repeat(21)},`,
    "M5,MC,621111,toll,2026-11-03T10:00:00Z,2026-11-03T10:05:00Z,,,,,",
    "M6,MC,999999,toll,2026-11-03T10:00:00Z,2026-11-03T10:05:00Z,,,,,",
    "M7,MC,611111,toll,2026-11-03T10:05:00Z,2026-11-03T10:00:00Z,,,,,",
    ",MC,611111,toll,2026-11-03T10:00:00Z,2026-11-03T10:05:00Z,,,,,",
  ];
  const response = await post(rows.join("\n"));
  assert.equal(response.status, 422);
  assert.deepEqual(response.body.errors, [
    { line: 2, field: "started_at", message: "must be an ISO 8601 timestamp with an offset, e.g. 2026-10-06T14:05:00+02:00" },
    { line: 3, field: "ended_at", message: "makes the leg longer than 48 hours" },
    { line: 4, field: "service_type", message: "must be one of toll, toll-free, dial-out, voip, operator-assisted" },
    { line: 5, field: "billing_code", message: "must be at most 20 characters" },
    { line: 6, field: "room_number", message: "is not a room of this account" },
    { line: 7, field: "room_number", message: "is not a room of this account" },
    { line: 8, field: "ended_at", message: "is before started_at" },
    { line: 9, field: "leg_id", message: "is required" },
  ]);
  assert.equal(response.body.error_count, 8);
});

test("keys, content types and sizes are checked first", async () => {
  assert.equal((await post(MIXED, { key: "cpk_wrong" })).status, 401);
  assert.equal((await post(MIXED, { type: "application/json" })).status, 415);
  // Short lines: the body's size is what is refused, not a line's.
  const big = `${HEADER}\n${"x".repeat(99).concat("\n").repeat(MAX_BYTES / 100)}`;
  const tooBig = await post(big);
  assert.equal(tooBig.status, 413);
  assert.match(String(tooBig.body.error), new RegExp(`larger than ${MAX_BYTES} bytes`));
  // Another account's key cannot write into this account's rooms.
  const foreign = await post(MIXED, { key: otherKey });
  assert.equal(foreign.status, 422);
  assert.equal(foreign.body.errors?.[0]?.field, "room_number");
});

test("legs for an invoiced month are stored, rated and flagged late", async () => {
  await t.db.execute(sql`insert into billing_periods (account_id, period, status, invoiced_at, invoiced_by) select id, '2026-10-01', 'invoiced', now(), 'test' from accounts where number = '610001'`);
  const response = await post([HEADER, "LATE1,OCT1,611111,toll,2026-10-20T10:00:00Z,2026-10-20T10:02:00Z,,,,,"].join("\n"));
  assert.deepEqual(response.body, { accepted: 1, duplicates: 0, late: 1 });
  const { rows } = await t.db.execute<{ late: boolean; charge_minor: string }>(sql`select late, charge_minor from legs where external_id = 'LATE1'`);
  assert.deepEqual(rows.map((r) => [r.late, Number(r.charge_minor)]), [[true, 18]]);
});

test("the database connection cut in the middle of a large batch: nothing stored; sent again, stored whole", async () => {
  const before = await count("legs");
  const lines = [HEADER];
  // More than one chunk (100,000 legs): the cut comes while the first one's legs are being
  // written and the rest of the body is still being read.
  for (let i = 0; i < 120_000; i++) {
    const start = new Date(Date.UTC(2026, 10, 4, 6) + i * 1000);
    lines.push(`F${i},FC${Math.floor(i / 4)},611111,toll,${start.toISOString()},${new Date(start.getTime() + 75_000).toISOString()},,,,,`);
  }
  const body = lines.join("\n");
  assert.ok(body.length < MAX_BYTES);
  const sending = post(body);
  let killed = 0;
  for (let i = 0; i < 400 && !killed; i++) {
    const { rows } = await t.db.execute<{ n: number }>(sql`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query like '%insert into legs%' and xact_start is not null`);
    killed = rows[0]!.n;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.ok(killed > 0, "the ingest transaction was seen and cut");
  const cut = await sending;
  assert.equal(cut.status, 500);
  assert.equal(await count("legs"), before, "nothing of the cut batch is stored");
  // The cut request's keep-alive connection may be reset; a sender retries on a new one, as a bridge would.
  const again = await post(body).catch(() => post(body));
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.deepEqual(again.body, { accepted: 120_000, duplicates: 0, late: 0 });
});

type Answer = { status: number; body: Record<string, unknown>; ms: number };

/**
 * POSTs a body a piece at a time, `everyMs` apart (fetch cannot pause inside a body), and ends it
 * unless `stall` (then the client sends nothing more) or `abort` (then it closes the connection and
 * the answer is status 0). `ms` counts from the last piece sent.
 */
function trickle(pieces: string[], options: { everyMs: number; type?: string; stall?: boolean; abort?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let lastSent = performance.now();
    let answered = false;
    const req = request(`${server.url}/api/v1/cdrs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": options.type ?? "application/x-ndjson" } });
    const limit = setTimeout(() => req.destroy(new Error("no answer within 20 s")), 20_000);
    req.on("error", (error) => (answered ? undefined : reject(error)));
    req.on("response", (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        clearTimeout(limit);
        req.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>, ms: performance.now() - lastSent });
      });
    });
    void (async () => {
      for (const piece of pieces) {
        if (answered) return;
        req.write(piece);
        lastSent = performance.now();
        await sleep(options.everyMs);
      }
      if (options.abort) {
        answered = true;
        clearTimeout(limit);
        req.destroy();
        resolve({ status: 0, body: {}, ms: 0 });
      } else if (!options.stall) req.end();
    })();
  });
}

const ndjsonLeg = (legId: string, conferenceId: string) =>
  `${JSON.stringify({ leg_id: legId, conference_id: conferenceId, room_number: "611111", service_type: "toll", started_at: "2026-11-20T10:00:00Z", ended_at: "2026-11-20T10:01:00Z" })}\n`;

const timed = async <T>(work: Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
};

test("a slow body holds nothing while it arrives: DDL, another account's page and the account's next batch go through", async () => {
  const before = await count("legs");
  const started = performance.now();
  // Eleven lines, one every 500 ms: the body takes at least 5 s.
  const slow = trickle(Array.from({ length: 11 }, (_, i) => ndjsonLeg(`SLOW${i}`, "SLOWC")), { everyMs: 500 });
  await sleep(1200);
  // A migration or an admin's ALTER queues for an exclusive lock on the tables the ingest reads;
  // every later query on them queues behind it, pages included. It must get its lock at once.
  const ddl = timed(
    t.db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '3s'`);
      await tx.execute(sql`lock table accounts, rooms, tariffs, conferences, legs in access exclusive mode`);
    }),
  ).catch((error: unknown) => ({ ms: Number.NaN, value: error }));
  await sleep(100);
  const page = await timed(getPage(`${server.url}/account`, otherOwner));
  const next = await timed(post([HEADER, "SLOWN1,SLOWNC,611111,toll,2026-11-21T10:00:00Z,2026-11-21T10:01:00Z,,,,,"].join("\n")));
  const locked = await ddl;
  assert.equal(page.value.status, 200);
  assert.ok(page.ms < 2000, `another account's page took ${page.ms} ms`);
  assert.ok(locked.ms < 2000, `the exclusive lock waited ${locked.ms} ms (${String(locked.value)})`);
  assert.deepEqual(next.value.body, { accepted: 1, duplicates: 0, late: 0 });
  assert.ok(next.ms < 2000, `the account's next batch took ${next.ms} ms`);
  const answer = await slow;
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.deepEqual(answer.body, { accepted: 11, duplicates: 0, late: 0 });
  assert.ok(performance.now() - started >= 5000, "the slow body took at least 5 s");
  assert.equal(await count("legs"), before + 12);
});

test("a body that stalls is dropped with 408 after INGEST_IDLE_TIMEOUT_MS, nothing written", async () => {
  const before = await count("legs");
  const answer = await trickle([ndjsonLeg("STALL1", "STALLC"), ndjsonLeg("STALL2", "STALLC")], { everyMs: 100, stall: true });
  assert.equal(answer.status, 408, JSON.stringify(answer.body));
  assert.match(String(answer.body.error), /no byte of the body arrived for 1\.5 s/i);
  assert.ok(answer.ms >= IDLE_MS - 200 && answer.ms < IDLE_MS + 3000, `answered ${answer.ms} ms after the last byte`);
  assert.equal(await count("legs"), before);
  // The server is fine afterwards.
  assert.equal((await post(ndjsonLeg("STALL3", "STALLC"), { type: "application/x-ndjson" })).status, 200);
});

test("a client that goes away in the middle of its body: nothing written, no server error", async () => {
  const before = await count("legs");
  const failures = () => server.output().split("ingest failed").length;
  const failed = failures();
  await trickle([ndjsonLeg("GONE1", "GONEC"), ndjsonLeg("GONE2", "GONEC")], { everyMs: 100, abort: true });
  await sleep(1000);
  assert.equal(await count("legs"), before);
  assert.equal(failures(), failed, server.output());
});

test("a line over 1 MiB is refused at once with 413 naming it, nothing written", async () => {
  const before = await count("legs");
  const good = "LONG1,LONGC,611111,toll,2026-11-20T10:00:00Z,2026-11-20T10:01:00Z,,,,,";
  const cases = [
    { what: "a CSV line", type: "text/csv", body: [HEADER, good, `LONG2,LONGC,611111,toll,2026-11-20T10:00:00Z,2026-11-20T10:01:00Z,${"x".repeat(15_000_000)},,,,`].join("\n"), line: 3 },
    { what: "an NDJSON line", type: "application/x-ndjson", body: `${ndjsonLeg("LONG3", "LONGC")}${JSON.stringify({ leg_id: "LONG4", caller_name: "x".repeat(15_000_000) })}\n`, line: 2 },
    // Short lines, but one quoted value running over 1 MiB of them: one record.
    { what: "a quoted CSV value over many lines", type: "text/csv", body: [HEADER, `LONG5,LONGC,611111,toll,2026-11-20T10:00:00Z,2026-11-20T10:01:00Z,"${"x".repeat(99).concat("\n").repeat(150_000)}",,,,`].join("\n"), line: 2 },
  ];
  for (const c of cases) {
    const { value: response, ms } = await timed(post(c.body, { type: c.type }));
    assert.equal(response.status, 413, `${c.what}: ${JSON.stringify(response.body)}`);
    assert.equal(response.body.line, c.line, c.what);
    assert.match(String(response.body.error), new RegExp(`^Nothing was stored\\. .*line ${c.line} .*longer than 1 MiB`, "i"), c.what);
    assert.ok(ms < 2000, `${c.what}: answered in ${ms} ms`);
  }
  assert.equal(await count("legs"), before);
});

test("an empty body, or a CSV without its header row, is 422 with a clear message", async () => {
  const before = await count("legs");
  for (const [body, type] of [["", "text/csv"], ["\n\n  \n", "text/csv"], ["", "application/x-ndjson"], ["\n", "application/x-ndjson"]] as const) {
    const response = await post(body, { type });
    assert.equal(response.status, 422, `${JSON.stringify(body)} as ${type}`);
    assert.match(String(response.body.error), /the batch is empty/i);
  }
  const headless = await post(["L1,C1,611111,toll,2026-11-10T09:00:00+01:00,2026-11-10T09:01:01+01:00,Anne,,,,", "L2,C1,611111,toll,2026-11-10T09:00:00+01:00,2026-11-10T09:01:01+01:00,Bruno,,,,"].join("\n"));
  assert.equal(headless.status, 422);
  assert.equal(headless.body.line, 1);
  assert.match(String(headless.body.error), /line 1 is not a header row/i);
  assert.equal(await count("legs"), before);
});

test("bytes that are not UTF-8 are refused with 422 naming the line; another charset with 415", async () => {
  const before = await count("legs");
  const latin1 = Buffer.concat([Buffer.from(`${HEADER}\nU1,UC,611111,toll,2026-11-20T10:00:00Z,2026-11-20T10:01:00Z,Anne,,,,\nU2,UC,611111,toll,2026-11-20T10:00:00Z,2026-11-20T10:01:00Z,In`), Buffer.from([0xe8]), Buffer.from("s,,,,\n")]);
  const response = await post(latin1);
  assert.equal(response.status, 422, JSON.stringify(response.body));
  assert.equal(response.body.line, 3);
  assert.match(String(response.body.error), /line 3 is not UTF-8/i);
  const ndjson = await post(Buffer.concat([Buffer.from(ndjsonLeg("U3", "UC")), Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]), { type: "application/x-ndjson" });
  assert.equal(ndjson.status, 422, JSON.stringify(ndjson.body));
  assert.equal(ndjson.body.line, 2);
  assert.equal((await post(latin1, { type: "text/csv; charset=iso-8859-1" })).status, 415);
  assert.equal(await count("legs"), before);
});
