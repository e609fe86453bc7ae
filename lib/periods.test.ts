import assert from "node:assert/strict";
import { test } from "node:test";
import { addMonths, choosePeriod, periodBounds, periodLabel, periodOf, selectablePeriods } from "./periods";

test("a billing period is the calendar month in the account's zone", () => {
  // 23:30 UTC on 31 October is already 1 November in Paris (UTC+1 in winter).
  assert.equal(periodOf(new Date("2026-10-31T23:30:00Z"), "Europe/Paris"), "2026-11-01");
  assert.equal(periodOf(new Date("2026-10-31T23:30:00Z"), "America/New_York"), "2026-10-01");
});

test("period bounds follow summer time", () => {
  const october = periodBounds("2026-10-01", "Europe/Paris");
  assert.equal(october.start.toISOString(), "2026-09-30T22:00:00.000Z"); // UTC+2
  assert.equal(october.end.toISOString(), "2026-10-31T23:00:00.000Z"); // UTC+1 after 25 October
});

test("months are added across years", () => {
  assert.equal(addMonths("2026-01-01", -1), "2025-12-01");
  assert.equal(addMonths("2025-12-01", 1), "2026-01-01");
  assert.equal(addMonths("2026-11-01", -11), "2025-12-01");
});

test("the current month and the three before it can be chosen, nothing older", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  assert.deepEqual(selectablePeriods("Europe/Paris", now), ["2026-11-01", "2026-10-01", "2026-09-01", "2026-08-01"]);
  assert.equal(choosePeriod(undefined, "Europe/Paris", now).period, "2026-11-01");
  assert.equal(choosePeriod("2026-08", "Europe/Paris", now).period, "2026-08-01");
  assert.equal(choosePeriod("2026-07", "Europe/Paris", now).period, undefined);
  assert.equal(choosePeriod("2026-13", "Europe/Paris", now).period, undefined);
  assert.equal(choosePeriod("'; drop table rooms", "Europe/Paris", now).period, undefined);
});

test("months are named in the UI language", () => {
  assert.equal(periodLabel("2026-10-01", "fr"), "Octobre 2026");
  assert.equal(periodLabel("2026-10-01", "en"), "October 2026");
});
