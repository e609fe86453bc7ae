import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { databaseSettings, EnvError, parseSettings } from "@/db/env";

export { EnvError };

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  ...databaseSettings,
  APP_URL: z.url().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, "must be 64 hex digits (32 bytes)")
    .optional(),
  /** Scheduled uploads may reach private, loopback and link-local addresses (tests, on-premises). */
  DELIVERY_ALLOW_PRIVATE: z.enum(["0", "1"], { error: "must be 0 or 1" }).default("0"),
  /** 0: the web server runs no job worker (instrumentation.ts). */
  WORKER: z.enum(["0", "1"], { error: "must be 0 or 1" }).optional(),
  /** Demo mode: the embedded database with the demo account. On by default only without DATABASE_URL. */
  DEMO: z.enum(["0", "1"]).optional(),
  /** The largest CDR batch accepted, in bytes (a million legs of CSV is about 120 MB). */
  INGEST_MAX_BYTES: z.coerce.number({ error: "must be a number of bytes" }).int().min(1).default(256 * 1024 * 1024),
  /** Requests each usage API key may make per minute, counted in the database for every web server (429 past it). */
  USAGE_API_REQUESTS_PER_MINUTE: z.coerce.number({ error: "must be a number of requests" }).int().min(1).default(600),
  /** A session unused for this long ends (minutes). */
  SESSION_IDLE_MINUTES: z.coerce.number({ error: "must be a number of minutes" }).int().min(1).max(24 * 60).default(30),
  /** A session ends this long after login, however it is used (hours). */
  SESSION_MAX_HOURS: z.coerce.number({ error: "must be a number of hours" }).int().min(1).max(24 * 30).default(8),
  /**
   * How many proxies in front of the portal append to X-Forwarded-For: 0 (the default) takes
   * the client's address from the connection and ignores the header, which anyone can set.
   */
  TRUST_PROXY: z.coerce.number({ error: "must be the number of proxies in front (0: none)" }).int().min(0).max(10).default(0),
  /** A CDR batch whose client sends no byte for this long is dropped (408). */
  INGEST_IDLE_TIMEOUT_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1).default(30_000),
  /** A request whose headers have not all arrived after this long is answered 408 (Node's default: 60 s, checked every 30 s). */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(1).default(10_000),
  /** On SIGTERM, requests and downloads under way may finish for this long; then their connections are closed. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(0).default(25_000),
  /**
   * How long a worker holds a scheduled report's run it took (seconds): a worker that died with it
   * leaves it to another after this long. Longer than the slowest report takes to build and send.
   */
  DELIVERY_LEASE_SECONDS: z.coerce.number({ error: "must be a number of seconds" }).int().min(5).default(120),
  /** json: one JSON object a line (time, level, msg, request id…); text: the message alone. Default: text on a terminal, else json. */
  LOG_FORMAT: z.enum(["json", "text"], { error: "must be json or text" }).optional(),
});

export type Env = {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  appUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  authSecret: string;
  encryptionKey: string;
  demo: boolean;
  deliveryAllowPrivate: boolean;
};

const parse = (source: NodeJS.ProcessEnv) => parseSettings(schema, source);

/** Only where the database is: what the data layer and the commands need, without the secrets. */
export function loadDatabaseEnv(source: NodeJS.ProcessEnv = process.env): Pick<Env, "databaseUrl" | "dataDir"> {
  const e = parse(source);
  return { databaseUrl: e.DATABASE_URL, dataDir: path.resolve(e.DATA_DIR) };
}

/** The CDR API's limits: the largest batch, and how long a client may send nothing. */
export function loadIngestEnv(source: NodeJS.ProcessEnv = process.env): { maxBytes: number; idleTimeoutMs: number } {
  const e = parse(source);
  return { maxBytes: e.INGEST_MAX_BYTES, idleTimeoutMs: e.INGEST_IDLE_TIMEOUT_MS };
}

/** The usage API's rate limit: requests per key per minute. */
export function loadUsageApiEnv(source: NodeJS.ProcessEnv = process.env): { requestsPerMinute: number } {
  return { requestsPerMinute: parse(source).USAGE_API_REQUESTS_PER_MINUTE };
}

/** How long sessions last: idle, and in all. */
export function loadSessionEnv(source: NodeJS.ProcessEnv = process.env): { idleMinutes: number; maxHours: number } {
  const e = parse(source);
  return { idleMinutes: e.SESSION_IDLE_MINUTES, maxHours: e.SESSION_MAX_HOURS };
}

/** The HTTP server's own settings: how long a request's headers may take, how many proxies to trust, how long to drain. */
export function loadHttpEnv(source: NodeJS.ProcessEnv = process.env): { headersTimeoutMs: number; trustProxy: number; shutdownTimeoutMs: number } {
  const e = parse(source);
  return { headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS, trustProxy: e.TRUST_PROXY, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS };
}

/** The job worker's own settings: how long a run taken for delivery is held. */
export function loadJobEnv(source: NodeJS.ProcessEnv = process.env): { deliveryLeaseMs: number } {
  return { deliveryLeaseMs: parse(source).DELIVERY_LEASE_SECONDS * 1000 };
}

/** How the processes write their log lines. */
export function loadLogEnv(source: NodeJS.ProcessEnv = process.env, terminal = process.stdout.isTTY): { format: "json" | "text" } {
  return { format: parse(source).LOG_FORMAT ?? (terminal ? "text" : "json") };
}

/**
 * Reads and validates the settings. In demo mode the secrets are generated once into DATA_DIR;
 * otherwise they must be given, and a clear message says which one is missing.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const e = parse(source);
  const demo = e.DEMO ? e.DEMO === "1" : !e.DATABASE_URL;
  const dataDir = path.resolve(e.DATA_DIR);
  let authSecret = e.AUTH_SECRET;
  let encryptionKey = e.ENCRYPTION_KEY;
  if (!authSecret || !encryptionKey) {
    if (!demo) {
      const missing = [!authSecret && "AUTH_SECRET", !encryptionKey && "ENCRYPTION_KEY"].filter(Boolean);
      throw new EnvError(
        `Missing settings: ${missing.join(", ")}. They are required outside demo mode ` +
          `(generate with: node -e "console.log(require('crypto').randomBytes(32).toString('hex'))").`,
      );
    }
    const generated = demoSecrets(dataDir);
    authSecret ??= generated.authSecret;
    encryptionKey ??= generated.encryptionKey;
  }
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ""),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? "reports@localhost",
    authSecret,
    encryptionKey,
    demo,
    deliveryAllowPrivate: e.DELIVERY_ALLOW_PRIVATE === "1",
  };
}

function demoSecrets(dataDir: string): { authSecret: string; encryptionKey: string } {
  const file = path.join(dataDir, "secrets.json");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; encryptionKey: string };
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secrets = { authSecret: randomBytes(32).toString("hex"), encryptionKey: randomBytes(32).toString("hex") };
    // "wx": if another process wrote it first, keep theirs.
    try {
      writeFileSync(file, JSON.stringify(secrets), { flag: "wx", mode: 0o600 });
      return secrets;
    } catch {
      return JSON.parse(readFileSync(file, "utf8")) as { authSecret: string; encryptionKey: string };
    }
  }
}
