import assert from "node:assert/strict";
import { test } from "node:test";
import { configuredReplicaUrls } from "@/db/env";
import { EnvError, loadEnv, loadIngestEnv } from "./env";

const base: NodeJS.ProcessEnv = { NODE_ENV: "test", DATABASE_URL: "postgres://localhost/x", AUTH_SECRET: "x".repeat(32), ENCRYPTION_KEY: "a".repeat(64) };

test("private upload destinations are refused unless DELIVERY_ALLOW_PRIVATE=1; a wrong value is named", () => {
  assert.equal(loadEnv(base).deliveryAllowPrivate, false);
  assert.equal(loadEnv({ ...base, DELIVERY_ALLOW_PRIVATE: "1" }).deliveryAllowPrivate, true);
  assert.throws(() => loadEnv({ ...base, DELIVERY_ALLOW_PRIVATE: "yes" }), (e: unknown) => e instanceof EnvError && /DELIVERY_ALLOW_PRIVATE: must be 0 or 1/.test(e.message));
  assert.throws(() => loadEnv({ ...base, WORKER: "no" }), /WORKER: must be 0 or 1/);
});

test("the CDR API's limits: 256 MiB and 30 s by default, set in bytes and milliseconds; a wrong value is named", () => {
  assert.deepEqual(loadIngestEnv(base), { maxBytes: 256 * 1024 * 1024, idleTimeoutMs: 30_000 });
  assert.deepEqual(loadIngestEnv({ ...base, INGEST_MAX_BYTES: "1000", INGEST_IDLE_TIMEOUT_MS: "1500" }), { maxBytes: 1000, idleTimeoutMs: 1500 });
  assert.throws(() => loadIngestEnv({ ...base, INGEST_IDLE_TIMEOUT_MS: "soon" }), /INGEST_IDLE_TIMEOUT_MS: must be a number of milliseconds/);
  assert.throws(() => loadEnv({ ...base, INGEST_MAX_BYTES: "0" }), /INGEST_MAX_BYTES/);
});

test("a CDR limit that is not a number stops the start with its name, instead of lifting the limit", () => {
  assert.throws(() => loadIngestEnv({ ...base, INGEST_MAX_BYTES: "lots" }), (e: unknown) => e instanceof EnvError && /INGEST_MAX_BYTES: must be a number of bytes/.test(e.message));
  assert.throws(() => loadEnv({ ...base, INGEST_MAX_BYTES: "256M" }), /INGEST_MAX_BYTES: must be a number of bytes/);
  assert.throws(() => loadEnv({ ...base, INGEST_IDLE_TIMEOUT_MS: "30s" }), /INGEST_IDLE_TIMEOUT_MS: must be a number of milliseconds/);
});

test("read replicas: DATABASE_REPLICA_URL holds one or several postgres:// URLs; a wrong one is named by its place", () => {
  assert.deepEqual(configuredReplicaUrls(base), []);
  assert.deepEqual(configuredReplicaUrls({ ...base, DATABASE_REPLICA_URL: "postgres://r1/portal, postgresql://r2/portal" }), ["postgres://r1/portal", "postgresql://r2/portal"]);
  assert.throws(() => loadEnv({ ...base, DATABASE_REPLICA_URL: "postgres://r1/portal,r2:5432" }), (e: unknown) => e instanceof EnvError && /DATABASE_REPLICA_URL: must be postgres:\/\/ connection URLs separated by commas \(URL 2 is not\)/.test(e.message));
});
