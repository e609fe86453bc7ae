import assert from "node:assert/strict";
import { test } from "node:test";
import { EnvError, loadEnv } from "./env";

const base: NodeJS.ProcessEnv = { NODE_ENV: "test", DATABASE_URL: "postgres://localhost/x", AUTH_SECRET: "x".repeat(32), ENCRYPTION_KEY: "a".repeat(64) };

test("private upload destinations are refused unless DELIVERY_ALLOW_PRIVATE=1; a wrong value is named", () => {
  assert.equal(loadEnv(base).deliveryAllowPrivate, false);
  assert.equal(loadEnv({ ...base, DELIVERY_ALLOW_PRIVATE: "1" }).deliveryAllowPrivate, true);
  assert.throws(() => loadEnv({ ...base, DELIVERY_ALLOW_PRIVATE: "yes" }), (e: unknown) => e instanceof EnvError && /DELIVERY_ALLOW_PRIVATE: must be 0 or 1/.test(e.message));
  assert.throws(() => loadEnv({ ...base, WORKER: "no" }), /WORKER: must be 0 or 1/);
});
