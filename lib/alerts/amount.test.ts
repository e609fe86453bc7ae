import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAmount } from "./amount";

test("budgets typed either way are read as exact minor units", () => {
  for (const [input, minor] of [
    ["250", 25_000],
    ["250.5", 25_050],
    ["250,50", 25_050],
    [" 1 250,50 ", 125_050],
    ["1\u202f250,50", 125_050],
    ["1,250.50", 125_050],
    ["1.250,50", 125_050],
    ["0.01", 1],
    ["19.990", 1_999],
    ["1.250.000", 125_000_000],
    ["1'250.5", 125_050],
  ] as const) {
    assert.deepEqual(parseAmount(input, "EUR"), { minor }, input);
  }
  assert.deepEqual(parseAmount("1999", "JPY"), { minor: 1_999 });
  assert.deepEqual(parseAmount("1.5", "KWD"), { minor: 1_500 });
});

test("bad budgets are named: negative, zero, text, too many decimals, too large", () => {
  for (const [input, problem, currency = "EUR"] of [
    ["", "required"],
    ["-5", "positive"],
    ["0", "positive"],
    ["0,00", "positive"],
    ["abc", "text"],
    ["12abc", "text"],
    ["1e5", "text"],
    ["1,2,3", "text"],
    ["1.250.5", "text"],
    ["12.345", "decimals"],
    ["12.5", "decimals", "JPY"],
    ["99999999999", "too-large"],
  ] as const) {
    assert.deepEqual(parseAmount(input, currency), { problem }, input);
  }
});
