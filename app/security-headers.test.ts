import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { appRoutes, routeUrl } from "../scripts/lib/app-routes";
import { startServer, type RunningServer } from "../scripts/bench/server";
import { freePort } from "../scripts/lib/postgres";
import { PORTAL, startTestPortal, type TestPortal } from "../scripts/lib/test-portal";

/**
 * The security headers on every kind of response — each page and route handler of app/ (walked
 * from the directory), next-auth's API, the CDR API, static files, not-found pages, and the
 * refusals of bad input and over-long requests — logged out and logged in; HSTS when APP_URL is
 * https. Pages carry a policy with a fresh nonce, and every script of theirs has it.
 */
let portal: TestPortal;
let https: RunningServer;
before(async () => {
  portal = await startTestPortal();
  // The same database behind a portal whose public address is https (as behind a TLS proxy).
  https = await startServer({ root: process.cwd(), port: await freePort(), databaseUrl: portal.t.url, env: { WORKER: "0", APP_URL: "https://portal.example" } });
});
after(async () => {
  await https?.stop();
  await portal?.stop();
});

type Probe = { what: string; method: string; path: string; body?: string; headers?: Record<string, string> };

function goodSegment(pattern: string, param: string): string {
  if (param === "number") return PORTAL.holderRoom;
  if (param === "id") return String(pattern.startsWith("/reports/schedules") ? portal.scheduleId : portal.conferenceId);
  if (param === "kind") return "statement";
  if (param === "nextauth") return "csrf";
  return "x";
}

/** Something of every kind the portal answers; the static files are those the login page loads. */
async function probes(baseUrl: string): Promise<Probe[]> {
  const list: Probe[] = [];
  for (const route of appRoutes()) {
    const path = routeUrl(route, (param) => goodSegment(route.pattern, param));
    const query = route.pattern === "/reports/download" ? "?type=activity&range=last-30-days&format=csv" : route.pattern === "/download/[kind]" ? `?period=${portal.period}` : "";
    for (const method of route.methods) list.push({ what: `${route.kind} ${route.pattern}`, method, path: `${path}${query}`, ...(method === "POST" ? { body: "", headers: { "content-type": "application/x-www-form-urlencoded" } } : {}) });
  }
  const login = await (await fetch(`${baseUrl}/login`)).text();
  const assets = [...new Set([...login.matchAll(/(?:href|src)="(\/_next\/static\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]!))];
  assert.ok(assets.some((a) => a.endsWith(".css")) && assets.some((a) => a.endsWith(".js")), "the login page loads CSS and scripts");
  list.push(...assets.slice(0, 4).map((path) => ({ what: "static file", method: "GET", path })));
  list.push(
    { what: "static file not there", method: "GET", path: "/_next/static/chunks/not-there.js" },
    { what: "page not there", method: "GET", path: "/no-such-page" },
    { what: "address not UTF-8", method: "GET", path: "/rooms/%ff" },
    { what: "session API", method: "GET", path: "/api/auth/session" },
    { what: "CDR API without a key", method: "POST", path: "/api/v1/cdrs", body: "x", headers: { "content-type": "text/csv" } },
    { what: "address over 16 KB", method: "GET", path: `/reports?x=${"a".repeat(17 * 1024)}` },
    { what: "headers over 16 KB", method: "GET", path: "/login", headers: { "x-big": "b".repeat(17 * 1024) } },
    { what: "action from another origin", method: "POST", path: "/reports", body: "[]", headers: { "next-action": "00", origin: "http://evil.example", "content-type": "text/plain" } },
  );
  return list;
}

const scriptNonces = (html: string) => [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => /\bnonce="([^"]*)"/.exec(m[1]!)?.[1] ?? "(none)");

async function checkAll(baseUrl: string, cookie: string | undefined, options: { hsts: boolean }) {
  const problems: string[] = [];
  const nonces = new Set<string>();
  let pages = 0;
  for (const probe of await probes(baseUrl)) {
    const response = await fetch(`${baseUrl}${probe.path}`, { method: probe.method, redirect: "manual", body: probe.body, headers: { ...(cookie ? { cookie } : {}), ...probe.headers } });
    const body = await response.text();
    const h = response.headers;
    const where = `${probe.what} (${probe.method} ${probe.path.slice(0, 60)} → ${response.status})`;
    const policy = h.get("content-security-policy") ?? "";
    if (!/frame-ancestors 'none'/.test(policy)) problems.push(`${where}: Content-Security-Policy ${policy || "missing"}`);
    if (h.get("x-content-type-options") !== "nosniff") problems.push(`${where}: X-Content-Type-Options ${h.get("x-content-type-options")}`);
    if (h.get("referrer-policy") !== "same-origin") problems.push(`${where}: Referrer-Policy ${h.get("referrer-policy")}`);
    if (h.get("x-frame-options") !== "DENY") problems.push(`${where}: X-Frame-Options ${h.get("x-frame-options")}`);
    const hsts = h.get("strict-transport-security");
    if (options.hsts ? !/max-age=\d{8,}/.test(hsts ?? "") : hsts) problems.push(`${where}: Strict-Transport-Security ${hsts}`);
    if (/text\/html/.test(h.get("content-type") ?? "") && body.includes("<script")) {
      pages++;
      const nonce = /script-src[^;]*'nonce-([^']+)'/.exec(policy)?.[1];
      if (!nonce) problems.push(`${where}: a page whose policy has no script nonce`);
      else {
        if (nonces.has(nonce)) problems.push(`${where}: nonce ${nonce} used twice`);
        nonces.add(nonce);
        const others = scriptNonces(body).filter((n) => n !== nonce);
        if (others.length) problems.push(`${where}: scripts without this response's nonce: ${others.slice(0, 3).join(", ")}`);
      }
    }
  }
  return { problems, pages };
}

test("every page, route handler, API, static file and refusal carries the security headers, logged out and logged in; pages a fresh nonce on every script", async () => {
  for (const [who, cookie] of [
    ["logged out", undefined],
    ["owner", portal.cookies.owner],
    ["room holder", portal.cookies.holder],
  ] as const) {
    const { problems, pages } = await checkAll(portal.server.url, cookie, { hsts: false });
    assert.deepEqual(problems, [], who);
    assert.ok(pages >= 2, `${who}: ${pages} pages with scripts checked`);
  }
});

test("with an https APP_URL every response carries Strict-Transport-Security, and pages upgrade insecure requests", async () => {
  const { problems } = await checkAll(https.url, undefined, { hsts: true });
  assert.deepEqual(problems, []);
  const login = await fetch(`${https.url}/login`);
  assert.match(login.headers.get("content-security-policy") ?? "", /upgrade-insecure-requests/);
});
