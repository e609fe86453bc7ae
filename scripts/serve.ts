/**
 * The portal's HTTP server: Next's request handler (the production build, or `next dev` with
 * --dev) behind a Node http server whose limits are the portal's and whose refusals are answered
 * at once, with a page and the security headers:
 *
 * - an address over 16 KiB (or a path over 2 KiB) → 414, header fields over 16 KiB → 431;
 *   a request over 64 KiB in all is refused by Node's parser itself, answered 431 here too;
 * - headers not all arrived after HTTP_HEADERS_TIMEOUT_MS (10 s) → 408, checked every second.
 *   Node's default is 60 s checked every 30 s: a client that stopped mid-request was answered
 *   408 only 60–90 s later, holding its connection all that time;
 * - X-Forwarded-For is replaced by the one client address the portal trusts (TRUST_PROXY: the
 *   connection's, or the entry the last trusted proxy appended), so the login throttle and the
 *   audit log cannot be told another address;
 * - every response carries the baseline security headers (lib/http/security-headers.ts); pages
 *   get their nonce policy from proxy.ts;
 * - every request gets an id (the load balancer's X-Request-Id, or a new one), sent back and
 *   written on its log line (method, path without the query, status, time), one JSON object a line;
 * - on SIGTERM the server stops taking connections (the load balancer's next check fails and takes
 *   it out), lets requests and downloads under way finish for SHUTDOWN_TIMEOUT_MS, stops its job
 *   worker (jobs under way finish or go back to the queue), then closes what is left and exits.
 *
 * Started by `npm start` (scripts/start.ts) and by the tests (scripts/bench/server.ts), with the
 * settings in its environment.
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import { loadEnv, loadHttpEnv } from "../lib/env";
import { createLogger, requestId, routeConsole } from "../lib/log";
import { runShutdownHooks } from "../lib/shutdown";
import { trustedClientAddress } from "../lib/http/client-address";
import { clientErrorStatus, overLimit, PARSER_MAX_HEADER_BYTES, rawRefusal, refusalHeaders, refusalPage } from "../lib/http/limits";
import { baselineHeaders, isHttps } from "../lib/http/security-headers";

const dev = process.argv.includes("--dev");
// Next reads NODE_ENV when it loads, as `next start` and `next dev` set it.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });

const logger = createLogger("web");
routeConsole(logger);
const env = loadEnv();
const { headersTimeoutMs, trustProxy, shutdownTimeoutMs } = loadHttpEnv();
const security = { https: isHttps(env.appUrl), dev };
const baseline = baselineHeaders(security);

type ParserError = Error & { code?: string };
/** The response being written on a connection, if any (Node's own field: its default handler checks it too). */
type WithResponse = Duplex & { _httpMessage?: { headersSent?: boolean } | null };

/** A request Node's parser refused (too large, malformed, too slow): answered on the socket, then closed. */
function onClientError(error: ParserError, socket: WithResponse) {
  if (error.code === "ECONNRESET" || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawRefusal(clientErrorStatus(error.code), security));
}

const pathOf = (url: string | undefined) => (url ?? "/").split("?")[0]!.slice(0, 200);

/** The request's log line once answered (the query is left out: it may hold a link's token). A load balancer's health probes are not logged. */
function logWhenDone(req: http.IncomingMessage, res: http.ServerResponse, id: string) {
  const started = performance.now();
  res.once("finish", () => {
    const path = pathOf(req.url);
    if (path === "/healthz" && res.statusCode === 200) return;
    logger.info({ requestId: id, method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, `${req.method} ${path} ${res.statusCode}`);
  });
}

async function main() {
  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), port: env.port, hostname: "localhost" });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES, headersTimeout: headersTimeoutMs, connectionsCheckingInterval: 1_000 }, (req, res) => {
    const id = requestId(req.headers["x-request-id"]);
    req.headers["x-request-id"] = id;
    res.setHeader("x-request-id", id);
    logWhenDone(req, res, id);
    req.headers["x-forwarded-for"] = trustedClientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustProxy);
    for (const [name, value] of baseline) res.setHeader(name, value);
    const refused = overLimit(req.url ?? "", req.rawHeaders);
    if (refused) {
      const body = refusalPage(refused);
      for (const [name, value] of refusalHeaders(security, Buffer.byteLength(body))) res.setHeader(name, value);
      res.writeHead(refused).end(body);
      return;
    }
    handle(req, res).catch((error: unknown) => {
      logger.error({ requestId: id, err: error }, `failed to handle ${req.method} ${pathOf(req.url)}`);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end();
    });
  });
  server.on("clientError", onClientError);
  server.on("error", (error) => {
    console.error("The portal could not start:", error.message);
    process.exit(1);
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info(`stopping: finishing the requests under way (at most ${shutdownTimeoutMs} ms)`);
    // What is still open at the deadline is closed: the client retries, or downloads again.
    setTimeout(() => server.closeAllConnections(), shutdownTimeoutMs).unref();
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    void Promise.all([drained, runShutdownHooks()])
      .then(() => app.close())
      .finally(() => {
        logger.info("stopped");
        process.exit(0);
      });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  server.listen(env.port, () => logger.info(`Portal ready on http://localhost:${env.port}${dev ? " (development)" : ""}`));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "The portal could not start");
  process.exit(1);
});
