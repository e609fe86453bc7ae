import assert from "node:assert/strict";
import { test } from "node:test";
import { paginate, subtotal } from "./paging";

test("a list is cut into pages; the page is clamped", () => {
  const items = Array.from({ length: 250 }, (_, i) => i);
  assert.deepEqual({ ...paginate(items, undefined, undefined, 100), items: undefined }, { items: undefined, page: 1, pages: 3, from: 1, to: 100, count: 250 });
  const last = paginate(items, "3", undefined, 100);
  assert.deepEqual([last.from, last.to, last.items.length, last.items[0]], [201, 250, 50, 200]);
  assert.equal(paginate(items, "99", undefined, 100).page, 3);
  assert.equal(paginate(items, "-4").page, 1);
  assert.equal(paginate(items, "abc").page, 1);
  assert.deepEqual(paginate([], "2"), { items: [], page: 1, pages: 1, from: 0, to: 0, count: 0 });
});

test("lines of one conference stay on the same page", () => {
  const lines = [1, 1, 2, 3, 3, 3, 4].map((conference, i) => ({ conference, i }));
  const first = paginate(lines, "1", (l) => l.conference, 2);
  assert.deepEqual(first.items.map((l) => l.i), [0, 1, 2]);
  assert.equal(first.count, 4);
  assert.deepEqual(paginate(lines, "2", (l) => l.conference, 2).items.map((l) => l.i), [3, 4, 5, 6]);
});

test("a page's subtotal is the sum of its lines", () => {
  assert.deepEqual(subtotal([{ durationS: 60, chargeMinor: 9 }, { durationS: 30, chargeMinor: 5 }]), { durationS: 90, chargeMinor: 14 });
});
