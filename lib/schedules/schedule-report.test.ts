import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { eq, sql } from "drizzle-orm";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { groups, reportSchedules } from "@/db/schema";
import { createAccount, createRoom, createUser } from "@/lib/admin/support";
import { scopeOf, type AccountScope } from "@/lib/auth/scope";
import { startSmtp } from "@/lib/delivery/testing/servers";
import { messages, type Messages } from "@/lib/i18n/messages";
import { describeFrequency, reportName, scheduleName } from "./display";
import { formValues, newFormValues, rangeNote } from "./form-values";
import { saveScheduleForm } from "./form";
import { describeScheduleFilters, runReportQuery } from "./report";
import { deliverRun, sendNow, type DeliverySettings, type RenderReport } from "./runs";

let t: TestDatabase;
let english: AccountScope;
let french: AccountScope;
let ids: { ann: number; bob: number; group: number };
const key = randomBytes(32).toString("hex");
const now = new Date("2026-12-04T10:00:00Z");
const gb = { lang: "en" as const, accountLocale: "en-GB" };

before(async () => {
  t = await testDatabase();
  const en = await createAccount(t.db, { number: "650001", company: "English Ltd", locale: "en-GB" });
  const o = await createUser(t.db, { email: "owner@english.example", name: "Owner", password: "a long password", account: "650001", role: "owner" });
  english = await scopeOf(t.db, { accountId: en.id, userId: o.id, roomId: null });
  const ann = await createUser(t.db, { email: "ann@english.example", name: "Marilène Dupont", password: "a long password" });
  const bob = await createUser(t.db, { email: "bob@english.example", name: "Jean Martin", password: "a long password" });
  await createRoom(t.db, { account: "650001", number: "651111", cardholder: "ann@english.example" });
  await createRoom(t.db, { account: "650001", number: "651112", cardholder: "bob@english.example" });
  const [g] = await t.db.insert(groups).values({ accountId: en.id, name: "Finance" }).returning();
  ids = { ann: ann.id, bob: bob.id, group: g!.id };

  const fr = await createAccount(t.db, { number: "650002", company: "Français SA", locale: "fr-FR" });
  const p = await createUser(t.db, { email: "owner@francais.example", name: "Propriétaire", password: "a long password", account: "650002", role: "owner" });
  french = await scopeOf(t.db, { accountId: fr.id, userId: p.id, roomId: null });
});
after(() => t.close());

const form = (fields: Record<string, string>) => ({ name: "Usage", report: "type=usage", frequency: "daily", time: "06:00", range: "previous-day", rangeDefault: "", format: "csv", emails: "a@b.example", ...fields });
const save = async (scope: AccountScope, fields: Record<string, string>, ui: Messages = messages.en) => {
  const saved = await saveScheduleForm(scope, null, form(fields), { t: ui, now, encryptionKey: key });
  assert.ok(saved.ok, JSON.stringify(saved));
  const [row] = await t.db.select().from(reportSchedules).where(eq(reportSchedules.id, saved.id));
  return row!;
};

test("Schedule this report carries the report's range: a Previous month report makes a Previous month schedule", () => {
  const v = newFormValues("type=activity", "Activity", "previous-month");
  assert.equal(v.range, "previous-month");
  assert.equal(v.rangeDefault, "", "the report chose it: the frequency no longer does");
  assert.equal(newFormValues("type=activity", "Activity", "past-12-months").range, "previous-12-months");
  assert.equal(rangeNote(new URLSearchParams("type=activity&range=previous-month"), v, messages.en.schedules, gb), "As in the report: Previous month.");
});

test("a report's own From–To cannot repeat: the frequency's range, and the form says why", () => {
  const params = new URLSearchParams("type=activity&range=custom&from=2026-11-02&to=2026-11-20");
  const v = newFormValues("type=activity", "Activity", "custom");
  assert.equal(v.range, "previous-day");
  assert.equal(v.rangeDefault, "previous-day");
  assert.match(rangeNote(params, v, messages.en.schedules, gb)!, /^The report has fixed dates \(2–20 November\)\. A schedule covers dates relative to each run/);
  assert.match(rangeNote(params, v, messages.fr.schedules, { lang: "fr", accountLocale: "fr-FR" })!, /^Le rapport a des dates fixes \(du 2 au 20 novembre\)\./);
});

test("without JavaScript, a range left as the form chose it follows the frequency sent; a range chosen stays", async () => {
  assert.equal((await save(english, { frequency: "monthly", monthDay: "1", range: "previous-day", rangeDefault: "previous-day" })).range, "previous-month");
  assert.equal((await save(english, { frequency: "weekly", weekday: "1", range: "previous-day", rangeDefault: "previous-day" })).range, "previous-week");
  assert.equal((await save(english, { frequency: "monthly", monthDay: "1", range: "previous-7-days", rangeDefault: "previous-day" })).range, "previous-7-days", "changed by the owner");
  assert.equal((await save(english, { frequency: "monthly", monthDay: "1", range: "previous-day", rangeDefault: "" })).range, "previous-day", "chosen (or carried from the report)");
  const monthly = await save(english, { frequency: "monthly", monthDay: "1", range: "previous-month", rangeDefault: "" });
  assert.equal(formValues(monthly).rangeDefault, "previous-month", "editing: a range matching the frequency follows it again");
  await t.db.execute(sql`delete from report_schedules`);
});

test("the filters in words, with the names of the account's people and groups, not their ids", async () => {
  const stored = `type=activity&cardholder=${ids.ann},${ids.bob}&group=${ids.group}&product=audio,webinar`;
  assert.equal(await describeScheduleFilters(english, stored, messages.en, now), "Filters: Cardholders: Jean Martin, Marilène Dupont · Groups: Finance · Products: Audio, Webinar");
  assert.equal(await describeScheduleFilters(english, "type=activity", messages.fr, now), "Filtres : tous les utilisateurs, tous les produits");
  assert.equal(await describeScheduleFilters(english, "type=phone-numbers", messages.en, now), null, "a report without filters");
  assert.match((await describeScheduleFilters(french, stored, messages.en, now))!, /cardholder/i, "another account's people are not named");
});

test("a run retried a day after its time still builds a Previous 12 months report", () => {
  const q = runReportQuery("type=usage", "2025-12-04", "2026-12-03", new Date("2026-12-05T08:00:00Z"));
  assert.deepEqual([q.from, q.to], ["2025-12-05", "2026-12-03"]);
});

/** A tiny report naming its dates: what matters here is the e-mail around it. */
const csvRender: RenderReport = async ({ from, to }) => ({ filename: `report-${from}_${to}.csv`, write: async (output) => void output.write(`from,${from}\nto,${to}\n`) });
const settings = (smtpUrl: string): DeliverySettings => ({
  mail: { smtpUrl, mailFrom: "reports@portal.example", dataDir: "/nonexistent" },
  encryptionKey: key,
  appUrl: "https://portal.example",
  upload: { allowPrivate: true, timeoutMs: 5_000 },
  render: csvRender,
  maxAttempts: 2,
  retryBaseMs: 100,
  leaseMs: 5_000,
  workerId: "name-test",
  enqueue: async () => {},
});

/** A header as written, its RFC 2047 encoded words ("=?UTF-8?Q?Utilisation=E2=80=AF=3A?=") decoded. */
const decodeHeader = (value: string) =>
  value.replace(/\r?\n[ \t]/g, " ").replace(/=\?UTF-8\?([QB])\?([^?]*)\?=(\s+(?==\?))?/gi, (_, kind: string, text: string) =>
    kind.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
  );

async function subjectOfRun(scope: AccountScope, fields: Record<string, string>, ui: Messages): Promise<string> {
  const smtp = await startSmtp();
  try {
    const schedule = await save(scope, fields, ui);
    const s = settings(smtp.url);
    const runId = await sendNow(t.db, s, scope, schedule.id);
    assert.equal(await deliverRun(t.db, s, runId), "delivered");
    return decodeHeader(/^Subject: (.*(?:\r?\n[ \t].*)*)$/m.exec(smtp.received[0]!.raw)![1]!);
  } finally {
    await smtp.stop();
  }
}

test("a schedule made from the French UI on an English account sends an English-named report, and vice versa", async () => {
  const fromFrenchUi = { name: reportName("type=usage", messages.fr), emails: "anne@english.example" };
  assert.equal(fromFrenchUi.name, "Utilisation");
  assert.match(await subjectOfRun(english, fromFrenchUi, messages.fr), /^Usage: \d{2}\/\d{2}\/\d{4} to/);
  assert.match(await subjectOfRun(french, { name: "Usage", emails: "jean@francais.example" }, messages.en), /^Utilisation\u202f: du \d{2}\/\d{2}\/\d{4}/);
  assert.match(await subjectOfRun(french, { name: "Month end for Finance", emails: "jean@francais.example" }, messages.en), /^Month end for Finance\u202f: du/, "a name the owner typed stays theirs");
});

test("the schedule's name reads in the UI language wherever it was suggested, and a typed one stays", () => {
  assert.equal(scheduleName({ name: "Utilisation", reportQuery: "type=usage" }, messages.en), "Usage");
  assert.equal(scheduleName({ name: "Activity", reportQuery: "type=activity&product=audio" }, messages.fr), "Activité");
  assert.equal(scheduleName({ name: "Usage for the board", reportQuery: "type=usage" }, messages.fr), "Usage for the board");
  assert.equal(scheduleName({ name: "Billing history", reportQuery: "type=usage" }, messages.fr), "Billing history", "another report's name is the owner's choice");
});

test("a monthly schedule's day in words: French writes the first day 1er", () => {
  const monthly = (monthDay: number) => ({ frequency: "monthly" as const, weekday: null, monthDay, timeOfDay: 6 * 60 });
  assert.equal(describeFrequency(monthly(1), messages.fr.schedules), "Le 1er de chaque mois à 06:00 GMT");
  assert.equal(describeFrequency(monthly(15), messages.fr.schedules), "Le 15 de chaque mois à 06:00 GMT");
  assert.equal(describeFrequency(monthly(0), messages.fr.schedules), "Le dernier jour de chaque mois à 06:00 GMT");
  assert.equal(describeFrequency(monthly(1), messages.en.schedules), "On day 1 of every month at 06:00 GMT");
});
