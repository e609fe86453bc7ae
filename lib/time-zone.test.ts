import assert from "node:assert/strict";
import { test } from "node:test";
import { gmtOffset } from "./format";
import { wallClockTime } from "./time-zone";

const ZONES = ["Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "UTC"];

test("the offset shown in time headers is Intl's own (a zero offset written GMT), every 20 minutes of a year, across summer-time changes and half-hour zones", () => {
  const start = Date.UTC(2026, 0, 1);
  for (const timeZone of ZONES) {
    const intl = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" });
    for (let at = start; at < start + 366 * 86_400_000; at += 20 * 60_000 + 7_000) {
      // Intl writes a zero offset "GMT+0" (ICU 7x); the OAI writes "GMT".
      const expected = intl.formatToParts(at).find((p) => p.type === "timeZoneName")!.value.replace(/^GMT\+0$/, "GMT");
      assert.equal(gmtOffset(new Date(at), timeZone), expected, `${timeZone} at ${new Date(at).toISOString()}`);
    }
  }
});

test("a wall clock is exact on both sides of a change of offset, to the second", () => {
  // Paris leaves summer time at 01:00 UTC on 2026-10-25: 02:59:59 summer time, then 02:00:00 winter time.
  const change = Date.UTC(2026, 9, 25, 1);
  assert.equal(new Date(wallClockTime(change - 1000, "Europe/Paris")).toISOString(), "2026-10-25T02:59:59.000Z");
  assert.equal(new Date(wallClockTime(change, "Europe/Paris")).toISOString(), "2026-10-25T02:00:00.000Z");
  assert.equal(gmtOffset(new Date(change - 1000), "Europe/Paris"), "GMT+2");
  assert.equal(gmtOffset(new Date(change), "Europe/Paris"), "GMT+1");
});
