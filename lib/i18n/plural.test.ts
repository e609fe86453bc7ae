import assert from "node:assert/strict";
import { test } from "node:test";
import { plural } from "./plural";

const conferences = { en: { one: "{count} conference", other: "{count} conferences" }, fr: { one: "{count} conférence", other: "{count} conférences" } };
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

test("English: 1 is singular, 0 and 2 are plural", () => {
  assert.equal(plural("en", 0, conferences.en), "0 conferences");
  assert.equal(plural("en", 1, conferences.en), "1 conference");
  assert.equal(plural("en", 2, conferences.en), "2 conferences");
});

test("French: 0 and 1 are singular, 2 is plural", () => {
  assert.equal(plural("fr", 0, conferences.fr), "0 conférence");
  assert.equal(plural("fr", 1, conferences.fr), "1 conférence");
  assert.equal(plural("fr", 2, conferences.fr), "2 conférences");
});

test("the count is written in the account's digits, other placeholders filled", () => {
  assert.equal(plain(plural("en", 5675, conferences.en, {}, "fr-FR")), "5 675 conferences");
  assert.equal(plural("fr", 5675, conferences.fr, {}, "en-GB"), "5,675 conférences");
  assert.equal(plural("en", 3, { one: "Code {code}: {count} conference", other: "Code {code}: {count} conferences" }, { code: "X1" }), "Code X1: 3 conferences");
});
