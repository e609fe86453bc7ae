import assert from "node:assert/strict";
import { test } from "node:test";
import { csvText, needsFormulaGuard, startsLikeFormula } from "./formula-safety";
import { ACCENTED, FORMULAS } from "./testing/payloads";

test("CSV text that would start a formula gets a leading quote; plain numbers and phone numbers do not", () => {
  for (const text of [...FORMULAS, "+2-3", "+1e5", "-", "@", "=1", "-0:05:00", "+33 7 94 39 18 55+1"]) assert.equal(csvText(text), `'${text}`, JSON.stringify(text));
  for (const text of ["+33 7 94 39 18 55", "+1 (800) 555-0199", "+44.20.7946.0958", "-12.5", "+5", "-.5", "(555) 123-4567", ACCENTED, "Total (3)", ""]) assert.equal(csvText(text), text, JSON.stringify(text));
  assert.deepEqual([...FORMULAS, "+33 1 70"].map(startsLikeFormula), [...FORMULAS, "+33 1 70"].map(() => true));
  assert.equal(startsLikeFormula("Marilène"), false);
});

test("the .xlsx quote prefix follows the same rule: phone numbers and plain numbers get no mark", () => {
  for (const text of FORMULAS) assert.equal(needsFormulaGuard(text), true, JSON.stringify(text));
  for (const text of ["+33 4 18 30 29 54", "+33 7 94 39 18 55", "-12.5", "(555) 123-4567", "Marilène"]) assert.equal(needsFormulaGuard(text), false, JSON.stringify(text));
});
