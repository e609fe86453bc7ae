/**
 * `npm start`: validates the settings, opens the database (starting the embedded one when
 * DATABASE_URL is unset), applies migrations, loads the demo data once, builds when the sources
 * changed, then serves the production build through the portal's own HTTP server (scripts/serve.ts:
 * its limits, refusals and security headers). `--dev` serves with `next dev` instead.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { createDb } from "../db/client";
import { prepareDatabase } from "./lib/prepare";
import { loadEnv } from "../lib/env";
import { buildIfNeeded } from "./lib/build";
import { describeError, openDatabase } from "./lib/database";

const root = process.cwd();

async function main() {
  const dev = process.argv.includes("--dev");
  const env = loadEnv();
  const database = await openDatabase();
  const db = createDb(database.url, 2);
  await prepareDatabase(db, { demo: env.demo, log: (line) => console.log(line) });
  await db.$client.end();

  if (!dev && !buildIfNeeded(root)) {
    await database.close();
    process.exit(1);
  }

  const server = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "serve.ts"), ...(dev ? ["--dev"] : [])], {
    stdio: "inherit",
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(env.port),
      APP_URL: env.appUrl,
      DATABASE_URL: database.url,
      DEMO: env.demo ? "1" : "0",
      AUTH_SECRET: env.authSecret,
      NEXTAUTH_SECRET: env.authSecret,
      NEXTAUTH_URL: env.appUrl,
      ENCRYPTION_KEY: env.encryptionKey,
    },
  });
  const stop = (signal: NodeJS.Signals) => server.kill(signal);
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  server.on("exit", async (code, signal) => {
    await database.close();
    process.exit(code ?? (signal ? 0 : 1));
  });
  if (env.demo) {
    console.log(`Demo logins at ${env.appUrl}/login — owner@phoenix.example / Phoenix-Owner-1 / 602127; marilene@phoenix.example / Phoenix-Room-1 / 332703`);
  }
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exit(1);
});
