import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { eq, sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { budgetAlertDeliveries, budgetAlerts } from "@/db/schema";
import { createAccount, createRoom, createUser, setTariff } from "@/lib/admin/support";
import { scopeOf, type AccountScope, type Scope } from "@/lib/auth/scope";
import { startSmtp } from "@/lib/delivery/testing/servers";
import { changeBudget, createBudget, deleteBudget, listBudgets } from "@/lib/data/budgets";
import { NotFoundError } from "@/lib/errors";
import { messages } from "@/lib/i18n/messages";
import { ingestBatch } from "@/lib/ingest/api";
import { startWorker, stopQueueSender } from "@/lib/jobs/queue";
import { addMonths, periodBounds, periodOf } from "@/lib/periods";
import { readUnsubscribeToken, unsubscribe } from "@/lib/schedules/unsubscribe";
import { checkBudgets, type AlertSettings } from "./deliver";

/**
 * Spending alerts end to end on a real PostgreSQL and a real SMTP server on loopback: usage comes
 * in through the CDR ingest (which queues a check per account after its commit), workers race, and
 * what counts is the number of messages the SMTP server received.
 */
let t: TestDatabase;
const key = randomBytes(32).toString("hex");
const ids = { a: 0, b: 0 };
let ownerA: AccountScope;
let ownerB: AccountScope;
let holderA: Scope;

before(async () => {
  t = await testDatabase();
  // 0.09 € a minute: a 10-minute leg is 0,90 €.
  await setTariff(t.db, { serviceType: "toll", rate: "0.0900", from: "2000-01-01" });
  for (const [n, which] of [["650001", "a"], ["660001", "b"]] as const) {
    const account = await createAccount(t.db, { number: n, company: `Budget ${which.toUpperCase()} SA`, locale: "en-GB", timeZone: "UTC" });
    ids[which] = account.id;
  }
  const owner = await createUser(t.db, { email: "owner@budget-a.example", name: "Owner A", password: "a long password", account: "650001", role: "owner" });
  const holder = await createUser(t.db, { email: "holder@budget-a.example", name: "Holder A", password: "a long password", account: "650001" });
  const ownerOfB = await createUser(t.db, { email: "owner@budget-b.example", name: "Owner B", password: "a long password", account: "660001", role: "owner" });
  await createRoom(t.db, { account: "650001", number: "651001", cardholder: "holder@budget-a.example" });
  await createRoom(t.db, { account: "650001", number: "651002", cardholder: "owner@budget-a.example" });
  await createRoom(t.db, { account: "660001", number: "661001", cardholder: "owner@budget-b.example" });
  ownerA = await scopeOf(t.db, { userId: owner.id, accountId: ids.a, roomId: null });
  ownerB = await scopeOf(t.db, { userId: ownerOfB.id, accountId: ids.b, roomId: null });
  const [room] = (await t.db.execute<{ id: string }>(sql`select id from rooms where number = '651001'`)).rows;
  holderA = await scopeOf(t.db, { userId: holder.id, accountId: ids.a, roomId: Number(room!.id) });
});
after(async () => {
  await stopQueueSender();
  await t.close();
});

function settings(smtpUrl: string): AlertSettings {
  return { mail: { smtpUrl, mailFrom: "alerts@portal.example", dataDir: "/nonexistent" }, encryptionKey: key, appUrl: "https://portal.example", maxAttempts: 4, retryBaseMs: 100, leaseMs: 3_000, workerId: `test-${randomBytes(2).toString("hex")}` };
}

/** `legs` 10-minute toll legs (0,90 € each) of one conference in `room`, ending before `end`. */
function batch(prefix: string, room: string, legs: number, end: Date): string {
  const left = new Date(end.getTime() - 60_000);
  const joined = new Date(left.getTime() - 600_000);
  const lines = ["leg_id,conference_id,room_number,service_type,started_at,ended_at,caller_name,caller_number,dialed_number,billing_code,product"];
  for (let i = 0; i < legs; i++) lines.push(`${prefix}-${i},${prefix},${room},toll,${joined.toISOString()},${left.toISOString()},Caller ${i},,,SALES,`);
  return lines.join("\n");
}

/** The batch through the CDR API's own path: stored in one transaction, then a budget check queued. */
async function send(accountId: number, csv: string) {
  const result = await ingestBatch({ accountId, label: "test" }, Readable.from([csv]), "csv", {});
  assert.ok(result.ok, JSON.stringify(result));
  return result;
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 20_000) {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (await check()) return;
  assert.fail(`timed out waiting for ${what}`);
}

/** A message's text as a reader sees it: quoted-printable or base64 parts decoded. */
function decoded(raw: string): string {
  const qp = raw.replace(/=\r?\n/g, "").replace(/(=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ""), "hex").toString("utf8"));
  const base64 = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) => Buffer.from(m[1]!.replace(/\s/g, ""), "base64").toString("utf8"));
  return [qp, ...base64].join("\n");
}

const alertsOf = (budgetId: number) => t.db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, budgetId)).orderBy(budgetAlerts.period, budgetAlerts.threshold);
const subjects = (received: { raw: string }[]) => received.map((m) => /^Subject: (.*)$/m.exec(m.raw.replace(/\r?\n\s+/g, " "))?.[1] ?? "");

test("two workers racing and a batch sent again: one e-mail per threshold and address", async () => {
  const smtp = await startSmtp();
  const workers: PgBoss[] = [];
  try {
    for (let i = 0; i < 2; i++) workers.push(await startWorker(t.db, t.url, () => {}, { tick: false, pollingIntervalSeconds: 0.5, upload: { allowPrivate: true }, ...settings(smtp.url) }));
    // 10,00 € for room 651001; its holder is told too.
    const { id } = await createBudget(ownerA, { target: "room", room: "651001", amountMinor: 1_000, notifyRoomHolder: true }, messages.en);
    const now = new Date();
    const csv = batch("race", "651001", 9, now); // 8,10 €: 81 %
    assert.equal((await send(ids.a, csv)).accepted, 9);
    // Sent again twice while the workers take the queued check, and both workers' own checks race it.
    const again = await Promise.all([send(ids.a, csv), send(ids.a, csv)]);
    assert.deepEqual(again.map((r) => [r.accepted, r.duplicates]), [[0, 9], [0, 9]], "the batch sent again adds nothing");
    // The workers send it on the check the ingest queued (no minute tick runs here).
    await waitFor("the alert to be sent", async () => (await alertsOf(id))[0]?.status === "sent");
    const seconds = (Date.now() - now.getTime()) / 1000;
    assert.ok(seconds < 60, `sent ${seconds} s after the ingest`);
    console.log(`alert sent ${seconds.toFixed(1)} s after the ingest`);
    // Then both workers' own checks race each other and the queue's, as their minute ticks would.
    const [s1, s2] = [settings(smtp.url), settings(smtp.url)];
    await Promise.all([checkBudgets(t.db, s1), checkBudgets(t.db, s2), checkBudgets(t.db, s1, { accountId: ids.a }), checkBudgets(t.db, s2, { accountId: ids.a }), send(ids.a, csv)]);
    await sleep(1_500);
    await Promise.all([checkBudgets(t.db, s1), checkBudgets(t.db, s2)]);
    assert.equal(smtp.received.length, 2, "one message to the owner, one to the room's holder");
    assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ["holder@budget-a.example", "owner@budget-a.example"]);
    const alerts = await alertsOf(id);
    assert.deepEqual(alerts.map((a) => [a.threshold, a.status, a.spentMinor, a.amountMinor]), [[80, "sent", 810, 1_000]]);
    const raw = decoded(smtp.received.find((m) => m.to[0] === "owner@budget-a.example")!.raw);
    const toHolder = decoded(smtp.received.find((m) => m.to[0] === "holder@budget-a.example")!.raw);
    assert.ok(toHolder.includes("https://portal.example/rooms/651001") && !toHolder.includes("/account/alerts"), "the holder's link is to the room, not the owner's page");
    assert.match(subjects(smtp.received)[0]!, /^Spending alert: 81% of the .* budget used by room 65 100 1$/);
    for (const figure of ["€10.00", "€8.10", "81%", "https://portal.example/account/alerts"]) assert.ok(raw.includes(figure), `the e-mail shows ${figure}`);
    assert.match(raw, /List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    assert.match(raw, /Message-ID: <budget-alert\.\d+\.\d+\.[0-9a-f]{16}@portal\.example>/i);
  } finally {
    for (const w of workers) await w.stop({ graceful: false, wait: true });
    await smtp.stop();
  }
});

test("80 % then 100 % in two ingests: two e-mails; a raised budget is not warned again that month; a new month re-arms", async () => {
  const smtp = await startSmtp();
  const s = settings(smtp.url);
  try {
    const { id } = await createBudget(ownerB, { target: "account", amountMinor: 1_000, notifyRoomHolder: false }, messages.en);
    // The budget was set two months ago, so last month counts; its usage arrives now.
    const current = periodOf(new Date(), "UTC");
    const last = addMonths(current, -1);
    await t.db.execute(sql`update budgets set created_at = ${periodBounds(addMonths(current, -2), "UTC").start} where id = ${id}`);
    const midLast = new Date(periodBounds(last, "UTC").start.getTime() + 15 * 86_400_000);
    await send(ids.b, batch("m1", "661001", 9, midLast)); // 81 %
    await checkBudgets(t.db, s, { accountId: ids.b, now: midLast });
    assert.equal(smtp.received.length, 1);
    await send(ids.b, batch("m2", "661001", 3, midLast)); // 10,80 €: 108 %
    await checkBudgets(t.db, s, { accountId: ids.b, now: midLast });
    assert.equal(smtp.received.length, 2);
    assert.match(subjects(smtp.received)[0]!, /^Spending alert: 81% of the .* budget used by the account$/);
    assert.match(subjects(smtp.received)[1]!, /^Budget reached: 108% of the .* budget used by the account$/);

    // Raised to 13,00 €: 10,80 € is 83 % of it, but 80 % was said this month already.
    await changeBudget(ownerB, id, { amountMinor: 1_300, notifyRoomHolder: false }, messages.en);
    await checkBudgets(t.db, s, { accountId: ids.b, now: midLast });
    assert.equal(smtp.received.length, 2, "not warned again that month");

    // This month: 12 legs at once (10,80 €, 83 %) — one e-mail, for 80 %.
    await send(ids.b, batch("m3", "661001", 12, new Date()));
    await checkBudgets(t.db, s, { accountId: ids.b });
    assert.equal(smtp.received.length, 3, "the new month is warned again");
    assert.match(subjects(smtp.received)[2]!, /^Spending alert: 83% of the .* budget used by the account$/);
    // And past 100 % at once: one e-mail for 100 %, the 80 % one said in it.
    await changeBudget(ownerB, id, { amountMinor: 500, notifyRoomHolder: false }, messages.en);
    await checkBudgets(t.db, s, { accountId: ids.b });
    assert.equal(smtp.received.length, 4);
    const alerts = await alertsOf(id);
    assert.deepEqual(
      alerts.map((a) => [a.period, a.threshold, a.status]),
      [
        [last, 80, "sent"],
        [last, 100, "sent"],
        [current, 80, "sent"],
        [current, 100, "sent"],
      ],
    );
    const listed = await listBudgets(ownerB, "UTC");
    assert.deepEqual(listed.budgets.map((b) => [b.spentMinor, b.amountMinor, b.reached.sort()]), [[1_080, 500, [100, 80].sort()]]);
  } finally {
    await smtp.stop();
  }
});

test("both thresholds crossed by one batch: one e-mail, the 80 % said in it", async () => {
  const smtp = await startSmtp();
  try {
    const { id } = await createBudget(ownerA, { target: "code", code: "SALES", amountMinor: 500, notifyRoomHolder: false }, messages.en);
    await checkBudgets(t.db, settings(smtp.url), { accountId: ids.a });
    // The room budget's alert is done; only this one is new: 8,10 € of 5,00 €.
    assert.equal(smtp.received.length, 1);
    assert.match(subjects(smtp.received)[0]!, /^Budget reached: 162% of the .* budget used by billing code SALES$/);
    assert.deepEqual((await alertsOf(id)).map((a) => [a.threshold, a.status]), [[80, "covered"], [100, "sent"]]);
  } finally {
    await smtp.stop();
  }
});

test("an unsubscribed address gets no alert; the others still do", async () => {
  const smtp = await startSmtp();
  try {
    // The room's holder unsubscribed; the room's budget lowered to 7,00 € (8,10 € spent): 100 %.
    await unsubscribe(t.db, ids.a, "Holder@budget-a.example");
    const room = (await listBudgets(ownerA, "UTC")).budgets.find((b) => b.roomNumber === "651001")!;
    await changeBudget(ownerA, room.id, { amountMinor: 700, notifyRoomHolder: true }, messages.en);
    await checkBudgets(t.db, settings(smtp.url), { accountId: ids.a });
    assert.deepEqual(smtp.received.map((m) => m.to), [["owner@budget-a.example"]], "only the owner is written to");
    const statuses = async (budgetId: number) =>
      (await t.db.select().from(budgetAlertDeliveries).innerJoin(budgetAlerts, eq(budgetAlerts.id, budgetAlertDeliveries.alertId)).where(eq(budgetAlerts.budgetId, budgetId)).orderBy(budgetAlertDeliveries.email)).map((d) => [d.budget_alerts.threshold, d.budget_alert_deliveries.email, d.budget_alert_deliveries.status]);
    assert.deepEqual((await statuses(room.id)).filter(([threshold]) => threshold === 100), [
      [100, "holder@budget-a.example", "unsubscribed"],
      [100, "owner@budget-a.example", "sent"],
    ]);
    // The owner unsubscribes through the link of that e-mail: the next alert goes to nobody.
    const token = /\/unsubscribe\?t=([\w.-]+)/.exec(smtp.received[0]!.raw.replace(/=\r?\n/g, ""))![1]!;
    const target = readUnsubscribeToken(key, token);
    assert.deepEqual(target, { accountId: ids.a, email: "owner@budget-a.example" });
    await unsubscribe(t.db, target!.accountId, target!.email);
    const { id } = await createBudget(ownerA, { target: "account", amountMinor: 100, notifyRoomHolder: false }, messages.en);
    await checkBudgets(t.db, settings(smtp.url), { accountId: ids.a });
    assert.equal(smtp.received.length, 1, "nothing sent after unsubscribing");
    assert.deepEqual(await statuses(id), [[100, "owner@budget-a.example", "unsubscribed"]]);
  } finally {
    await smtp.stop();
  }
});

test("budgets are the owner's: a room holder's scope and another account's ids are not found", async () => {
  const [budget] = (await listBudgets(ownerA, "UTC")).budgets;
  // A room holder's scope forced past the types (a cast) still finds nothing.
  await assert.rejects(createBudget(holderA as AccountScope, { target: "account", amountMinor: 100, notifyRoomHolder: false }, messages.en), NotFoundError);
  await assert.rejects(listBudgets(holderA as AccountScope, "UTC"), NotFoundError);
  await assert.rejects(changeBudget(ownerB, budget!.id, { amountMinor: 1, notifyRoomHolder: false }, messages.en), NotFoundError);
  await assert.rejects(deleteBudget(ownerB, budget!.id), NotFoundError);
  assert.equal((await listBudgets(ownerA, "UTC")).budgets.find((b) => b.id === budget!.id)?.amountMinor, budget!.amountMinor, "unchanged");
  // A second budget for the same target is refused at the target field; an unknown room at the room field.
  await assert.rejects(createBudget(ownerA, { target: "code", code: "SALES", amountMinor: 100, notifyRoomHolder: false }, messages.en), { name: "ValidationError", field: "target", message: "There is already a budget for Billing code SALES: change it in the list below." });
  await assert.rejects(createBudget(ownerA, { target: "room", room: "661001", amountMinor: 100, notifyRoomHolder: false }, messages.en), { name: "ValidationError", field: "room", message: "The account has no room 661001." });
  const audited = await t.db.execute<{ action: string }>(sql`select action from audit_events where action like 'budget.%' and account_id = ${ids.b} order by id`);
  assert.deepEqual(audited.rows.map((r) => r.action), ["budget.created", "budget.changed", "budget.changed"]);
});
