import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { testDatabase, type TestDatabase } from "@/db/testing";
import { startServer, type RunningServer } from "./bench/server";
import { freePort } from "./lib/postgres";

/**
 * The portal's HTTP server (scripts/serve.ts) answers an over-long or stalled request at once,
 * with a page that says what happened and the security headers. Raw sockets, as an attacker (or
 * a browser with a very long address) sends it.
 */
let t: TestDatabase;
let server: RunningServer;
let port: number;
const HEADERS_TIMEOUT_MS = 1_500;

before(async () => {
  t = await testDatabase();
  port = await freePort();
  server = await startServer({ root: process.cwd(), port, databaseUrl: t.url, env: { WORKER: "0", HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) } });
});
after(async () => {
  await server?.stop();
  await t?.close();
});

type Answer = { ms: number; status: number; head: string; body: string };

/** Sends `request` (all of it, or the part given) and reads the answer until the server closes; gives up after `limitMs`. */
function exchange(request: string, limitMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${limitMs} ms`));
    }, limitMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {}); // a reset after the answer: what was read is what counts
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      resolve({ ms: performance.now() - started, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body });
    });
    socket.write(request);
  });
}

const get = (path: string, headers = "") => `GET ${path} HTTP/1.1\r\nHost: localhost:${port}\r\n${headers}\r\n`;

function assertRefusalPage(answer: Answer, status: number, title: RegExp) {
  assert.equal(answer.status, status, answer.head.split("\r\n")[0]);
  assert.match(answer.head, /content-type: text\/html; charset=utf-8/i);
  assert.match(answer.head, /content-security-policy: default-src 'none';[^\r]*frame-ancestors 'none'/i);
  assert.match(answer.head, /x-content-type-options: nosniff/i);
  assert.match(answer.head, /referrer-policy: same-origin/i);
  assert.match(answer.body, title);
}

test("an address over 16 KB is answered 414 at once, with a page saying so; over 64 KB, 431 (too large to be read at all)", async () => {
  for (const [length, status, title] of [
    [17 * 1024, 414, /This address is too long/],
    [70 * 1024, 431, /The request is too large/],
  ] as const) {
    const answer = await exchange(get(`/reports?type=activity&cardholder=${"1234,".repeat(length / 5)}`, "Connection: keep-alive\r\n"));
    assertRefusalPage(answer, status, title);
    assert.ok(answer.ms < 1_000, `answered in ${Math.round(answer.ms)} ms`);
  }
});

test("header fields over 16 KB (a cookie) are answered 431 at once, with a page saying so (under 64 KB and over it)", async () => {
  for (const length of [17 * 1024, 70 * 1024]) {
    const answer = await exchange(get("/login", `Cookie: junk=${"c".repeat(length)}\r\n`));
    assertRefusalPage(answer, 431, /The request is too large/);
    assert.ok(answer.ms < 1_000, `answered in ${Math.round(answer.ms)} ms`);
  }
});

test("a request whose headers stop coming is answered 408 after HTTP_HEADERS_TIMEOUT_MS, not 60–90 s later", async () => {
  // 9 KB of address with the session cookies' worth of headers, and the blank line that ends them never sent.
  const answer = await exchange(`GET /reports?x=${"a".repeat(9 * 1024)} HTTP/1.1\r\nHost: localhost:${port}\r\nCookie: ${"s".repeat(600)}\r\n`, 20_000);
  assertRefusalPage(answer, 408, /The request took too long/);
  assert.ok(answer.ms >= HEADERS_TIMEOUT_MS - 100 && answer.ms < HEADERS_TIMEOUT_MS + 2_000, `answered after ${Math.round(answer.ms)} ms`);
});

test("a request that is not HTTP is answered 400 with the page; a 15 KB address (an older report link) is still served", async () => {
  assertRefusalPage(await exchange("HELLO\r\n\r\n"), 400, /The request could not be read/);
  const long = await fetch(`${server.url}/login?x=${"a".repeat(15 * 1024)}`);
  assert.equal(long.status, 200);
});

test("/healthz says the database answers; every request gets an id, sent back and on its JSON log line, without the query", async () => {
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get("cache-control"), "no-store");
  // No worker has run on this database: the queue's tables are not there yet, which does not take the server out.
  assert.deepEqual(await health.json(), { status: "ok", database: "ok", queue: "not installed" });

  const given = await fetch(`${server.url}/login?token=secret-of-the-link`, { headers: { "x-request-id": "lb-7f3a.42" } });
  assert.equal(given.headers.get("x-request-id"), "lb-7f3a.42");
  const made = await fetch(`${server.url}/login`, { headers: { "x-request-id": "not a token; drop table" } });
  assert.match(made.headers.get("x-request-id") ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

  const madeId = made.headers.get("x-request-id");
  const jsonLines = () => server.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  // A line is written once its response has finished, and read from the server's pipe a moment later.
  for (let i = 0; i < 50 && !jsonLines().some((l) => l.requestId === madeId); i++) await sleep(100);
  const lines = jsonLines();
  const logged = lines.find((l) => l.requestId === "lb-7f3a.42");
  assert.ok(logged, `no log line with the request id in:\n${server.output().slice(-2_000)}`);
  assert.equal(logged.method, "GET");
  assert.equal(logged.path, "/login");
  assert.equal(logged.status, 200);
  assert.equal(logged.level, "info");
  assert.equal(typeof logged.ms, "number");
  assert.match(String(logged.time), /^\d{4}-\d{2}-\d{2}T/);
  assert.ok(lines.some((l) => l.requestId === madeId));
  assert.doesNotMatch(server.output(), /secret-of-the-link/);
  // Every line of output is JSON, Next's own included.
  assert.deepEqual(server.output().split("\n").filter((l) => l.trim() && !l.startsWith("{")), []);
});

test("on SIGTERM the server stops taking connections, gives a request under way SHUTDOWN_TIMEOUT_MS, then exits", async () => {
  const drainMs = 1_500;
  const own = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: t.url, env: { WORKER: "0", SHUTDOWN_TIMEOUT_MS: String(drainMs) } });
  const ownPort = Number(new URL(own.url).port);
  try {
    // A form post whose body is still coming: a request under way.
    const socket = net.connect(ownPort, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.on("error", () => {});
    const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(performance.now())));
    socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${ownPort}\r\nOrigin: ${own.url}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=`);
    await sleep(300);

    const signalled = performance.now();
    process.kill(own.pid, "SIGTERM");
    await sleep(300);
    await assert.rejects(fetch(`${own.url}/login`), "a new connection is refused while draining");
    const closedAt = await closed;
    assert.ok(closedAt - signalled >= drainMs - 100, `the request under way was cut after ${Math.round(closedAt - signalled)} ms`);
    for (let i = 0; i < 100 && alive(own.pid); i++) await sleep(100);
    assert.equal(alive(own.pid), false, "the server exited");
    assert.ok(performance.now() - signalled < drainMs + 5_000, `exited ${Math.round(performance.now() - signalled)} ms after SIGTERM`);
    assert.match(own.output(), /"msg":"stopping: finishing the requests under way \(at most 1500 ms\)"/);
    assert.match(own.output(), /"msg":"stopped"/);
  } finally {
    await own.stop();
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
