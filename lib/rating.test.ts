import assert from "node:assert/strict";
import { test } from "node:test";
import { billableSeconds, chargeInDigits, chargeMinor, rateLeg } from "./rating";

const perMinute = { incrementS: 60, minimumS: 60 };

test("each leg is rounded up to the next whole increment, with a minimum", () => {
  assert.equal(billableSeconds(1, perMinute), 60);
  assert.equal(billableSeconds(60, perMinute), 60);
  assert.equal(billableSeconds(61, perMinute), 120);
  assert.equal(billableSeconds(61, { incrementS: 6, minimumS: 30 }), 66);
  assert.equal(billableSeconds(10, { incrementS: 6, minimumS: 30 }), 30);
  assert.equal(billableSeconds(0, perMinute), 0, "a call that never connected is not billed");
});

test("charges round half up to the minor unit, in integers", () => {
  assert.equal(chargeMinor(60, 900, "EUR"), 9); // 1 min × 0.0900
  assert.equal(chargeMinor(60, 1450, "EUR"), 15); // 14.5 c → 15 c
  assert.equal(chargeMinor(180, 1450, "EUR"), 44); // 43.5 c → 44 c
  assert.equal(chargeMinor(120, 1450, "EUR"), 29);
  assert.equal(chargeMinor(60, 1449, "EUR"), 14); // 14.49 c → 14 c
  assert.equal(chargeMinor(60, 12345, "JPY"), 1); // 1.2345 ¥ → 1 ¥
  assert.equal(chargeMinor(100_000 * 60, 9999, "EUR"), 9_999_000); // 100,000 min × 0.9999 €
});

test("a leg is rated from its duration", () => {
  assert.deepEqual(rateLeg(3599, { ratePerMinuteE4: 900, ...perMinute }, "EUR"), { billableS: 3600, chargeMinor: 540 });
});

test("the integer fast path agrees with BigInt arithmetic", () => {
  for (const [billable, rate, digits] of [[60, 1450, 2], [172_800, 9999, 3], [59, 1, 0], [7_200, 123_456_789, 2], [1, 300_000, 2], [90_000_000, 99_999_999, 3]] as const) {
    const exact = Number((2n * BigInt(billable) * BigInt(rate) * 10n ** BigInt(digits) + 600_000n) / 1_200_000n);
    assert.equal(chargeInDigits(billable, rate, digits), exact, `${billable} s at ${rate} (${digits} digits)`);
  }
});
