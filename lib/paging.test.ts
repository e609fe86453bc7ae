import assert from "node:assert/strict";
import { test } from "node:test";
import { paginate, readPage, subtotal } from "./paging";

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

/** A list of `count` numbers read a slice at a time, with the slices asked for. */
function slicedList(count: number) {
  const reads: { offset: number; limit: number }[] = [];
  const read = async (slice: { offset: number; limit: number }) => {
    reads.push({ offset: slice.offset, limit: slice.limit });
    const items = Array.from({ length: Math.max(0, Math.min(slice.limit, count - slice.offset)) }, (_, i) => slice.offset + i);
    return { items, count };
  };
  return { read, reads };
}

test("a page read a page at a time: the requested page in one read", async () => {
  const list = slicedList(250);
  const { list: page, page: where } = await readPage("2", list.read, (l) => l.count, 100);
  assert.deepEqual(list.reads, [{ offset: 100, limit: 100 }]);
  assert.deepEqual([page.items[0], page.items.length], [100, 100]);
  assert.deepEqual({ ...where }, { page: 2, pages: 3, from: 101, to: 200, count: 250, offset: 100, limit: 100 });
});

test("past the last page, the last page is read instead", async () => {
  const list = slicedList(250);
  const { list: page, page: where } = await readPage("9", list.read, (l) => l.count, 100);
  assert.deepEqual(list.reads, [{ offset: 800, limit: 100 }, { offset: 200, limit: 100 }]);
  assert.deepEqual([page.items[0], page.items.length, where.page, where.from, where.to], [200, 50, 3, 201, 250]);
});

test("no page, a bad page or an empty list: the first page, read once", async () => {
  for (const requested of [undefined, "abc", "-3", "0"]) {
    const list = slicedList(30);
    const { page } = await readPage(requested, list.read, (l) => l.count);
    assert.deepEqual([list.reads.length, page.page, page.pages], [1, 1, 1], String(requested));
  }
  const empty = slicedList(0);
  const { list: none, page } = await readPage("4", empty.read, (l) => l.count, 10);
  assert.deepEqual(empty.reads, [{ offset: 30, limit: 10 }, { offset: 0, limit: 10 }]);
  assert.deepEqual([none.items, page.page, page.pages, page.from, page.to, page.count], [[], 1, 1, 0, 0, 0]);
});
