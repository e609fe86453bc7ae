import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultRange, nextRunAfter, rangeForRun } from "./timing";

const iso = (d: Date) => d.toISOString();

test("daily runs stay at the same GMT time across the European daylight-saving changes", () => {
  const t = { frequency: "daily" as const, weekday: null, monthDay: null, timeOfDay: 6 * 60 };
  // Paris moves to summer time on 2026-03-29 and back on 2026-10-25.
  let at = new Date("2026-03-27T12:00:00Z");
  const runs: string[] = [];
  for (let i = 0; i < 4; i++) runs.push(iso((at = nextRunAfter(t, at))));
  assert.deepEqual(runs, ["2026-03-28T06:00:00.000Z", "2026-03-29T06:00:00.000Z", "2026-03-30T06:00:00.000Z", "2026-03-31T06:00:00.000Z"]);
  assert.equal(iso(nextRunAfter(t, new Date("2026-10-25T05:59:00Z"))), "2026-10-25T06:00:00.000Z");
  assert.equal(iso(nextRunAfter(t, new Date("2026-10-25T06:00:00Z"))), "2026-10-26T06:00:00.000Z", "a run at exactly the time is not repeated");
});

test("weekly runs on their weekday (ISO: 1 Monday … 7 Sunday)", () => {
  const t = { frequency: "weekly" as const, weekday: 1, monthDay: null, timeOfDay: 7 * 60 + 30 };
  assert.equal(iso(nextRunAfter(t, new Date("2026-11-24T10:00:00Z"))), "2026-11-30T07:30:00.000Z"); // a Tuesday → next Monday
  assert.equal(iso(nextRunAfter(t, new Date("2026-11-30T07:00:00Z"))), "2026-11-30T07:30:00.000Z");
  assert.equal(iso(nextRunAfter(t, new Date("2026-11-30T07:30:00Z"))), "2026-12-07T07:30:00.000Z");
  const sunday = { ...t, weekday: 7, timeOfDay: 23 * 60 + 59 };
  assert.equal(iso(nextRunAfter(sunday, new Date("2026-12-27T23:59:30Z"))), "2027-01-03T23:59:00.000Z", "across the new year");
});

test("monthly on the last day runs on 28 or 29 February, then 31 March", () => {
  const t = { frequency: "monthly" as const, weekday: null, monthDay: 0, timeOfDay: 0 };
  assert.equal(iso(nextRunAfter(t, new Date("2027-02-01T00:00:00Z"))), "2027-02-28T00:00:00.000Z");
  assert.equal(iso(nextRunAfter(t, new Date("2028-02-01T00:00:00Z"))), "2028-02-29T00:00:00.000Z", "leap year");
  assert.equal(iso(nextRunAfter(t, new Date("2027-02-28T00:00:00Z"))), "2027-03-31T00:00:00.000Z");
  assert.equal(iso(nextRunAfter(t, new Date("2026-12-31T00:00:01Z"))), "2027-01-31T00:00:00.000Z");
  const the28th = { ...t, monthDay: 28, timeOfDay: 22 * 60 };
  assert.equal(iso(nextRunAfter(the28th, new Date("2027-02-28T22:00:00Z"))), "2027-03-28T22:00:00.000Z");
});

test("relative ranges are whole GMT days before the run", () => {
  const run = new Date("2026-03-02T06:00:00Z"); // a Monday
  assert.deepEqual(rangeForRun("previous-day", run), { from: "2026-03-01", to: "2026-03-01" });
  assert.deepEqual(rangeForRun("previous-7-days", run), { from: "2026-02-23", to: "2026-03-01" });
  assert.deepEqual(rangeForRun("previous-week", run), { from: "2026-02-23", to: "2026-03-01" });
  assert.deepEqual(rangeForRun("previous-week", new Date("2026-03-08T23:00:00Z")), { from: "2026-02-23", to: "2026-03-01" }, "a Sunday still reports the week before");
  assert.deepEqual(rangeForRun("previous-month", run), { from: "2026-02-01", to: "2026-02-28" });
  assert.deepEqual(rangeForRun("previous-month", new Date("2026-01-15T00:00:00Z")), { from: "2025-12-01", to: "2025-12-31" });
  assert.deepEqual(rangeForRun("month-to-date", run), { from: "2026-03-01", to: "2026-03-02" });
  assert.deepEqual(rangeForRun("custom", run, { from: "2026-01-01", to: "2026-01-31" }), { from: "2026-01-01", to: "2026-01-31" });
});

test("the previous 30 days end the day before the run; the previous 12 months are the year of usage kept", () => {
  const run = new Date("2026-03-02T06:00:00Z");
  assert.deepEqual(rangeForRun("previous-30-days", run), { from: "2026-01-31", to: "2026-03-01" });
  assert.deepEqual(rangeForRun("previous-12-months", new Date("2027-01-01T06:00:00Z")), { from: "2026-01-01", to: "2026-12-31" }, "a whole calendar year on 1 January");
  assert.deepEqual(rangeForRun("previous-12-months", new Date("2026-12-15T06:00:00Z")), { from: "2025-12-15", to: "2026-12-14" });
  assert.deepEqual(rangeForRun("previous-12-months", new Date("2028-02-29T06:00:00Z")), { from: "2027-02-28", to: "2028-02-28" }, "29 February: from 28 February");
});

test("without a range chosen, a schedule covers the period between two of its runs", () => {
  assert.equal(defaultRange("daily"), "previous-day");
  assert.equal(defaultRange("weekly"), "previous-week");
  assert.equal(defaultRange("monthly"), "previous-month");
});
