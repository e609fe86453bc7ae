import assert from "node:assert/strict";
import { test } from "node:test";
import { messages } from "@/lib/i18n/messages";
import { earliestDay, parseReportQuery, reportSearchParams, reportTypes, resolvePreset } from "./query";

const now = new Date("2026-11-24T10:00:00Z");
const parse = (params: Record<string, string | string[]>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
  return parseReportQuery(q, now);
};

test("presets resolve to GMT days inside the past year", () => {
  assert.deepEqual(resolvePreset("last-7-days", now), { from: "2026-11-18", to: "2026-11-24" });
  assert.deepEqual(resolvePreset("last-30-days", now), { from: "2026-10-26", to: "2026-11-24" });
  assert.deepEqual(resolvePreset("previous-month", now), { from: "2026-10-01", to: "2026-10-31" });
  assert.deepEqual(resolvePreset("past-12-months", now), { from: "2025-11-24", to: "2026-11-24" });
  assert.deepEqual(resolvePreset("previous-month", new Date("2026-01-05T00:00:00Z")), { from: "2025-12-01", to: "2025-12-31" });
  assert.equal(earliestDay(new Date("2028-02-29T12:00:00Z")), "2027-02-28");
});

test("every report type with every preset and a custom range round-trips through the URL", () => {
  for (const type of reportTypes) {
    for (const range of ["last-7-days", "previous-month", "past-12-months"]) {
      const first = parse({ type, range, cardholder: ["12", "5"], group: "3,4", ungrouped: "1", product: ["web", "audio"] });
      assert.ok(first.ok);
      const again = parseReportQuery(reportSearchParams(first.query), now);
      assert.deepEqual(again, first);
    }
    const custom = parse({ type, range: "custom", from: "2026-01-01", to: "2026-03-31", owner: "9" });
    assert.ok(custom.ok);
    assert.deepEqual(custom.query, { type, range: "custom", from: "2026-01-01", to: "2026-03-31", cardholders: [], allCardholders: false, owners: [9], groups: [], ungrouped: false, products: [] });
    assert.deepEqual(parseReportQuery(reportSearchParams(custom.query), now), custom);
  }
});

test("every cardholder is one word in the URL, whatever else is listed", () => {
  const all = parse({ type: "usage", range: "last-7-days", cardholder: "all", owner: "9" });
  assert.ok(all.ok);
  assert.equal(all.query.allCardholders, true);
  assert.deepEqual(all.query.cardholders, []);
  assert.equal(reportSearchParams(all.query).toString(), "type=usage&range=last-7-days&cardholder=all&owner=9");
  assert.deepEqual(parseReportQuery(reportSearchParams(all.query), now), all);
  // Ids beside it add nothing: every cardholder includes them.
  const mixed = parse({ type: "usage", range: "last-7-days", cardholder: ["12,all", "5"] });
  assert.ok(mixed.ok);
  assert.deepEqual([mixed.query.allCardholders, mixed.query.cardholders], [true, []]);
  assert.ok(!parse({ type: "usage", range: "last-7-days", owner: "all" }).ok, "only the cardholders take “all”");
});

test("bad input is refused with a message per field, in the UI's language", () => {
  const fails = (params: Record<string, string | string[]>, field: string, pattern: RegExp) => {
    const r = parse(params);
    assert.equal(r.ok, false, JSON.stringify(params));
    if (!r.ok) assert.match(r.errors[field]?.join(" ") ?? "", pattern, JSON.stringify(r.errors));
  };
  fails({ type: "secret", range: "last-7-days" }, "type", /no report type “secret”/);
  fails({ range: "last-7-days" }, "type", /Choose a report type/);
  fails({ type: "usage" }, "range", /Choose a date range/);
  fails({ type: "usage", range: "forever" }, "range", /no date range/);
  fails({ type: "usage", range: "custom", from: "2025-11-23", to: "2026-01-01" }, "from", /past year only.*24\/11\/2025 to 24\/11\/2026/);
  fails({ type: "usage", range: "custom", from: "2026-01-01", to: "2026-11-25" }, "to", /past year only/);
  fails({ type: "usage", range: "custom", from: "2026-05-02", to: "2026-05-01" }, "to", /From must not be after To/);
  fails({ type: "usage", range: "custom", from: "2026-02-30", to: "2026-03-01" }, "from", /YYYY-MM-DD/);
  fails({ type: "usage", range: "custom", to: "2026-03-01" }, "from", /first day/);
  fails({ type: "usage", range: "last-7-days", cardholder: "12,abc" }, "cardholders", /Unknown selection: abc/);
  fails({ type: "usage", range: "last-7-days", group: "-3" }, "groups", /Unknown selection/);
  fails({ type: "usage", range: "last-7-days", product: "fax" }, "products", /Unknown product: fax/);
  const both = parse({ type: "usage", range: "custom", from: "2020-01-01", to: "2020-02-01" });
  assert.ok(!both.ok && both.errors.from?.length === 1 && !both.errors.to, `both ends outside the year: told once, at From: ${JSON.stringify(!both.ok && both.errors)}`);
  const fr = parseReportQuery(new URLSearchParams({ type: "usage", range: "custom", from: "2026-05-02", to: "2026-05-01" }), now, messages.fr);
  assert.ok(!fr.ok && /ne doit pas être après/.test(fr.errors.to!.join()));
  // The boundaries themselves are inside the year.
  assert.ok(parse({ type: "usage", range: "custom", from: "2025-11-24", to: "2026-11-24" }).ok);
});
