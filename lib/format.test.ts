import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDateTime, formatDay, formatDuration, formatMoney, formatRate, formatRoomNumber, formatSize, minorDigits, minorToDecimal } from "./format";

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

test("money is formatted from integer minor units in the account's locale and currency", () => {
  assert.equal(plain(formatMoney(11659, "EUR", "fr-FR")), "116,59 €");
  assert.equal(plain(formatMoney(9, "EUR", "fr-FR")), "0,09 €");
  assert.equal(plain(formatMoney(13207, "EUR", "fr-FR")), "132,07 €");
  assert.equal(formatMoney(123456789, "EUR", "en-US"), "€1,234,567.89");
  assert.equal(formatMoney(1999, "JPY", "en-US"), "¥1,999");
  assert.equal(formatMoney(-5, "EUR", "en-US"), "-€0.05");
  // 2^53 − 1 minor units still format exactly: no float division is involved.
  assert.equal(formatMoney(9007199254740991, "EUR", "en-US"), "€90,071,992,547,409.91");
});

test("minor units are written as a decimal with a point, digit by digit", () => {
  assert.equal(minorToDecimal(11659, "EUR"), "116.59");
  assert.equal(minorToDecimal(9, "EUR"), "0.09");
  assert.equal(minorToDecimal(-5, "EUR"), "-0.05");
  assert.equal(minorToDecimal(0, "EUR"), "0.00");
  assert.equal(minorToDecimal(1999, "JPY"), "1999");
  assert.equal(minorToDecimal(-1234, "KWD"), "-1.234");
  assert.equal(minorToDecimal(9007199254740991, "EUR"), "90071992547409.91");
});

test("currencies have their own number of minor digits", () => {
  assert.equal(minorDigits("EUR"), 2);
  assert.equal(minorDigits("JPY"), 0);
  assert.equal(minorDigits("KWD"), 3);
});

test("durations are HH:MM:SS with hours past 24", () => {
  assert.equal(formatDuration(60), "00:01:00");
  assert.equal(formatDuration(85816), "23:50:16");
  assert.equal(formatDuration(10732), "02:58:52");
  assert.equal(formatDuration(125 * 3600 + 3 * 60 + 10), "125:03:10");
  assert.equal(formatDuration(0), "00:00:00");
});

test("room numbers are grouped 2-3-1", () => {
  assert.equal(formatRoomNumber("332703"), "33 270 3");
  assert.equal(formatRoomNumber("320026"), "32 002 6");
});

test("rates read like money: the currency's digits, more only when the rate has them, the same in every locale", () => {
  assert.equal(formatRate(900, "EUR", "en-GB"), "€0.09");
  assert.equal(plain(formatRate(900, "EUR", "fr-FR")), "0,09 €");
  assert.equal(formatRate(935, "EUR", "en-GB"), "€0.0935");
  assert.equal(plain(formatRate(935, "EUR", "fr-FR")), "0,0935 €");
  assert.equal(formatRate(450, "USD", "en-US"), "$0.045");
  assert.equal(formatRate(10000, "EUR", "en-GB"), "€1.00");
});

test("one way to show a moment: the account's date style, 24-hour time and the zone's offset; days from ISO", () => {
  const at = new Date("2027-01-01T06:00:00Z");
  assert.equal(formatDateTime(at, "UTC", "fr-FR"), "01/01/2027 06:00 GMT");
  assert.equal(formatDateTime(at, "UTC", "en-US"), "01/01/2027 06:00 GMT");
  assert.equal(formatDateTime(new Date("2026-12-04T14:32:00Z"), "Europe/Paris", "en-GB"), "04/12/2026 15:32 GMT+1");
  assert.equal(formatDay("2026-12-04", "fr-FR"), "04/12/2026");
  assert.equal(formatDay("2026-12-04", "en-US"), "12/04/2026");
});

test("sizes in the locale's words and digits", () => {
  assert.equal(formatSize(10 * 1024 * 1024, "en-GB"), "10.0 MB");
  assert.equal(plain(formatSize(12.34 * 1024 * 1024, "fr-FR")), "12,3 Mo");
  assert.equal(formatSize(17_500, "en-GB"), "18 kB");
});
