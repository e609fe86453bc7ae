import assert from "node:assert/strict";
import { test } from "node:test";
import { messages } from "@/lib/i18n/messages";
import { formRunSentence, rangeFromReport, rangeWords, runSentence } from "./next-run";

const en = messages.en.schedules;
const fr = messages.fr.schedules;
const gb = { lang: "en" as const, accountLocale: "en-GB" };
const us = { lang: "en" as const, accountLocale: "en-US" };
const french = { lang: "fr" as const, accountLocale: "fr-FR" };
const monthly = { frequency: "monthly", weekday: "1", monthDay: "1", time: "06:00", range: "previous-month", from: "", to: "" };

test("a report's preset becomes the schedule range a user would expect; its own From–To, the frequency's default", () => {
  assert.deepEqual(rangeFromReport("previous-month", "daily"), { range: "previous-month", carried: true, fromCustom: false });
  assert.equal(rangeFromReport("last-7-days", "daily").range, "previous-7-days");
  assert.equal(rangeFromReport("last-30-days", "daily").range, "previous-30-days");
  assert.equal(rangeFromReport("past-12-months", "daily").range, "previous-12-months");
  assert.deepEqual(rangeFromReport("custom", "weekly"), { range: "previous-week", carried: false, fromCustom: true });
  assert.deepEqual(rangeFromReport(null, "monthly"), { range: "previous-month", carried: false, fromCustom: false });
});

test("the next run in words: its day and GMT time, then its dates, in the UI language and the account's date order", () => {
  const now = new Date("2026-12-04T10:00:00Z");
  assert.equal(formRunSentence(monthly, now, en, gb), "On 1 January at 06:00 GMT: 1–31 December");
  assert.equal(formRunSentence(monthly, now, en, us), "On January 1 at 06:00 GMT: December 1–31");
  assert.equal(formRunSentence(monthly, now, fr, french), "Le 1er janvier à 06:00 GMT : du 1er au 31 décembre");
  assert.equal(formRunSentence(monthly, now, en, { lang: "en", accountLocale: "fr-FR" }), "On 1 January at 06:00 GMT: 1–31 December", "English words, day first as in France");
  assert.equal(formRunSentence({ ...monthly, frequency: "daily", range: "previous-day", time: "07:30" }, now, fr, french), "Le 5 décembre à 07:30 GMT : le 4 décembre");
  assert.equal(formRunSentence({ ...monthly, frequency: "weekly", weekday: "1", range: "previous-week" }, now, en, gb), "On 7 December at 06:00 GMT: 30 November – 6 December");
  assert.equal(formRunSentence({ ...monthly, monthDay: "15", range: "previous-12-months" }, now, fr, french), "Le 15 décembre à 06:00 GMT : du 15 décembre 2025 au 14 décembre 2026");
  assert.equal(formRunSentence({ ...monthly, range: "custom", from: "2026-11-02", to: "2026-11-20" }, now, en, gb), "On 1 January at 06:00 GMT: 2–20 November");
});

test("a form that does not describe a run yet has no sentence", () => {
  const now = new Date("2026-12-04T10:00:00Z");
  assert.equal(formRunSentence({ ...monthly, time: "25:00" }, now, en, gb), null);
  assert.equal(formRunSentence({ ...monthly, frequency: "hourly" }, now, en, gb), null);
  assert.equal(formRunSentence({ ...monthly, range: "custom", from: "2026-11-20", to: "2026-11-02" }, now, en, gb), null);
  assert.equal(formRunSentence({ ...monthly, range: "yesterday" }, now, en, gb), null);
});

test("ranges across months and years, and a run's sentence from its stored time", () => {
  assert.equal(rangeWords({ from: "2026-11-15", to: "2026-12-14" }, en, gb), "15 November – 14 December");
  assert.equal(rangeWords({ from: "2025-12-15", to: "2026-12-14" }, en, us), "December 15, 2025 – December 14, 2026");
  assert.equal(rangeWords({ from: "2026-11-15", to: "2026-12-01" }, fr, french), "du 15 novembre au 1er décembre");
  assert.equal(runSentence(new Date("2027-01-01T06:00:00Z"), { from: "2026-12-01", to: "2026-12-31" }, en, gb), "On 1 January at 06:00 GMT: 1–31 December");
});
