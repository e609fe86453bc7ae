import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
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
