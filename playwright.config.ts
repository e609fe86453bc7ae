import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3210);
// A fresh embedded database with the demo data, for this run only.
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "portal-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    viewport: { width: 1280, height: 900 },
  },
  webServer: {
    command: "node --import tsx scripts/start.ts",
    url: `http://localhost:${port}/login`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: { PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: "", APP_URL: `http://localhost:${port}` },
    // As Ctrl+C would: the portal stops its embedded PostgreSQL (a SIGKILL would leave it running).
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
