import assert from "node:assert/strict";
import { test } from "node:test";
import { validateRecord } from "./validate";

const now = new Date("2026-11-24T12:00:00Z");
const oldest = new Date("2000-01-01T00:00:00Z");

/** started_at as validateRecord reads it (ended_at a minute later, or the same text when unreadable). */
function startedAt(text: string): number | string[] {
  const ms = Date.parse(text);
  const ended = Number.isNaN(ms) ? text : new Date(ms + 60_000).toISOString();
  const checked = validateRecord(2, ["L1", "C1", "611111", "toll", text, ended], now, oldest);
  return "cdr" in checked ? checked.cdr.startedMs : checked.errors.filter((e) => e.field === "started_at").map((e) => e.message);
}

test("timestamps: the bridge's plain UTC form reads as the same instant as Date.parse, on every day of four years", () => {
  const seen = new Set<number>();
  for (let day = Date.UTC(2023, 0, 1); day < Date.UTC(2027, 0, 1) && day < now.getTime() - 86_400_000; day += 86_400_000) {
    // A different time of day and millisecond each day, with and without the fraction.
    const at = day + ((day / 86_400_000) * 7_919_993) % 86_400_000;
    for (const text of [new Date(at).toISOString(), new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z")]) {
      assert.equal(startedAt(text), Date.parse(text), text);
      seen.add(new Date(at).getUTCMonth());
    }
  }
  assert.equal(seen.size, 12);
});

test("timestamps: leap days, month ends, offsets and fractions read as Date.parse reads them", () => {
  for (const text of [
    "2024-02-29T23:59:59Z",
    "2024-02-29T23:59:59.999Z",
    "2025-12-31T00:00:00.000Z",
    "2026-01-01T00:00:00Z",
    "2026-04-30T12:00:00.5Z",
    "2026-04-30T12:00:00.123456Z",
    "2026-06-30T14:05:00+02:00",
    "2026-06-30T14:05:00-0330",
    "2026-06-30T14:05Z",
    "2026-06-30T14:05:07.120+00:00",
  ]) {
    assert.equal(startedAt(text), Date.parse(text), text);
  }
});

test("timestamps: dates and times that do not exist are refused, also those Date.parse moves to the next day", () => {
  for (const text of ["2025-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-04-31T10:00:00+02:00", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z", "2026-06-30T24:00:00Z", "2026-06-30T23:60Z", "2026-06-30T23:59:60.000Z"]) {
    assert.deepEqual(startedAt(text), ["is not a real date and time"], text);
  }
});

test("timestamps: malformed texts are refused with their own message", () => {
  for (const text of ["2026-06-30 14:05:00Z", "2026-06-30T14:05:00", "2026-06-3OT14:05:00Z", "2026-06-30T14:05:00.Z", "20260630T140500Z", "2026-06-30T14:05:00.1234567Z"]) {
    assert.deepEqual(startedAt(text), ["must be an ISO 8601 timestamp with an offset, e.g. 2026-10-06T14:05:00+02:00"], text);
  }
});
