import assert from "node:assert/strict";
import { test } from "node:test";
import { pageNumbers } from "./pager";

test("the pager shows the first and last pages and two either side of this one, a gap as …", () => {
  assert.deepEqual(pageNumbers(1, 1), [1]);
  assert.deepEqual(pageNumbers(1, 3), [1, 2, 3]);
  assert.deepEqual(pageNumbers(1, 114), [1, 2, 3, null, 114]);
  assert.deepEqual(pageNumbers(57, 114), [1, null, 55, 56, 57, 58, 59, null, 114]);
  assert.deepEqual(pageNumbers(4, 114), [1, 2, 3, 4, 5, 6, null, 114], "no gap for a single missing page's neighbour");
  assert.deepEqual(pageNumbers(114, 114), [1, null, 112, 113, 114]);
  assert.deepEqual(pageNumbers(5, 7), [1, 2, 3, 4, 5, 6, 7]);
});
