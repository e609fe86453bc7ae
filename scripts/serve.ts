/**
 * The portal's HTTP server: Next's request handler behind a Node server that sets the client's
 * address (X-Forwarded-For) to the one it trusts (TRUST_PROXY), replacing whatever the client
 * sent, so that the login throttle and the audit log cannot be told another address.
 * Started by `npm start` (scripts/start.ts) with the settings in its environment.
 */
import { createServer } from "node:http";
import next from "next";
import { loadProxyEnv } from "../lib/env";
import { trustedClientAddress } from "../lib/http/client-address";

const STOP_DEADLINE_MS = 10_000;

async function main() {
  const dev = process.argv.includes("--dev");
  const port = Number(process.env.PORT ?? 3000);
  const { trustProxy } = loadProxyEnv();
  const app = next({ dev, dir: process.cwd(), port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createServer((req, res) => {
    req.headers["x-forwarded-for"] = trustedClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
    void handle(req, res);
  });
  server.listen(port, () => console.log(`Ready on http://localhost:${port}${trustProxy ? ` (client addresses from X-Forwarded-For, ${trustProxy} proxy hop(s))` : ""}`));
  const stop = () => {
    // Stops taking connections, lets the requests under way finish, then exits (bounded).
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
