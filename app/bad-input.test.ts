import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { appRoutes, parameterNames, routeOfWorker, routeUrl, type AppRoute } from "../scripts/lib/app-routes";
import { PORTAL, startTestPortal, type TestPortal } from "../scripts/lib/test-portal";

/**
 * Bad input, as an attacker sends it, over every route of app/ (walked from the directory, so a
 * new route is swept at once) and every server action of the build: text that is not UTF-8,
 * NUL, bidi controls and 10 KB values in each path segment, each query parameter and each form
 * field, forged action bodies and a foreign Origin, logged out, as the owner and as the room
 * holder. The portal answers 4xx (or a page) to all of it, never 5xx.
 */
let portal: TestPortal;
before(async () => {
  portal = await startTestPortal();
});
after(() => portal?.stop());

/** Each as it goes into an address (already percent-encoded) or, decoded, into a form. */
const BAD: Record<string, string> = {
  "not UTF-8": "%ff",
  NUL: "a%00b",
  bidi: "x%E2%80%AEcba%E2%81%A6",
  "10 KB": "1".repeat(10 * 1024),
};
/** The bytes a bad value stands for (%ff stays one byte that is not UTF-8). */
const bytesOf = (encoded: string) => Buffer.from(encoded.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
/** next-auth's own parameters and form fields, read inside the package. */
const AUTH_PARAMS = ["callbackUrl", "error", "csrfToken", "username", "password", "number", "json"];

type Client = "logged out" | "owner" | "room holder";
const CLIENTS: Client[] = ["logged out", "owner", "room holder"];
const cookieOf = (client: Client) => (client === "owner" ? portal.cookies.owner : client === "room holder" ? portal.cookies.holder : "");

/** A good value for each dynamic segment, by route and parameter name; an unknown one gets "x". */
function goodSegment(route: AppRoute, param: string): string {
  if (param === "number") return PORTAL.holderRoom;
  if (param === "id") return String(route.pattern.startsWith("/reports/schedules") ? portal.scheduleId : portal.conferenceId);
  if (param === "kind") return "statement";
  if (param === "nextauth") return "session";
  return "x";
}

/** Good values of the parameters a route may read, so a bad one reaches as far into the route as it can. */
function goodQuery(): Record<string, string> {
  return {
    period: portal.period,
    display: "all",
    sort: "code",
    page: "1",
    code: "SWEEP",
    type: "activity",
    range: "last-30-days",
    cardholder: String(portal.ownerId),
    product: "audio",
    format: "xlsx",
    room: PORTAL.holderRoom,
    conference: String(portal.conferenceId),
    s: portal.selectionId,
    callbackUrl: "/account",
  };
}

type Failure = string;
/** The answer to one request; a connection the server dropped counts as a failure too (status 0). */
async function probe(method: string, url: string, client: Client, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`${portal.server.url}${url}`, { method, redirect: "manual", ...init, headers: { ...(client === "logged out" ? {} : { cookie: cookieOf(client) }), ...init.headers } });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error) };
  }
}
const failed = (status: number) => status >= 500 || status === 0;

/** Runs `jobs` a few at a time (the machine's two cores are shared with the server under test). */
async function inBatches(jobs: (() => Promise<void>)[], size = 8) {
  for (let i = 0; i < jobs.length; i += size) await Promise.all(jobs.slice(i, i + size).map((job) => job()));
}

test("every route of app/, with bad path segments and query parameters, logged out, as owner and as room holder: no 5xx", async () => {
  const routes = appRoutes();
  const names = [...new Set([...parameterNames(), ...AUTH_PARAMS])];
  assert.ok(routes.length >= 18 && names.length >= 20, `${routes.length} routes, ${names.length} parameter names`);
  const good = goodQuery();
  const failures: Failure[] = [];
  const notFoundPages: Failure[] = [];
  const jobs: (() => Promise<void>)[] = [];
  let requests = 0;
  const check = (method: string, url: string, client: Client, body?: string, page?: boolean) =>
    jobs.push(async () => {
      requests++;
      const init: RequestInit = body === undefined ? {} : { body, headers: { "content-type": "application/x-www-form-urlencoded", origin: portal.server.url } };
      const answer = await probe(method, url, client, init);
      if (failed(answer.status)) failures.push(`${answer.status} ${method} ${url.slice(0, 160)} as ${client}: ${answer.body.slice(0, 160)}`);
      // A page's address that is not UTF-8 gets the portal's own not-found page.
      if (page && answer.status === 404 && !answer.body.includes("Page not found")) notFoundPages.push(`${method} ${url.slice(0, 160)} as ${client}`);
    });

  for (const route of routes) {
    for (const method of route.methods.filter((m) => m !== "HEAD")) {
      const baseUrl = routeUrl(route, (param) => goodSegment(route, param));
      const query = (name?: string, bad?: string) => {
        const pairs = Object.entries(good).filter(([n]) => n !== name).map(([n, v]) => `${n}=${encodeURIComponent(v)}`);
        if (name) pairs.push(`${name}=${bad}`);
        return `?${pairs.join("&")}`;
      };
      for (const client of CLIENTS) {
        for (const [what, bad] of Object.entries(BAD)) {
          // Each dynamic segment in turn, then a segment added to the end of the address.
          route.segments.forEach((segment, index) => {
            if ("param" in segment) check(method, routeUrl(route, (param, i) => (i === index ? bad : goodSegment(route, param))) + query(), client, undefined, route.kind === "page" && what === "not UTF-8");
          });
          check(method, `${baseUrl}/${bad}`, client);
          // Every parameter at once; a 10 KB value, which no check in front of the routes refuses, in each parameter alone too.
          const all = `?${names.map((name) => `${name}=${bad}`).join("&")}`;
          check(method, `${baseUrl}${all}`, client, method === "POST" ? all.slice(1) : undefined);
          if (what === "10 KB") for (const name of names) check(method, `${baseUrl}${query(name, bad)}`, client, method === "POST" ? `${name}=${bad}&${new URLSearchParams(good)}` : undefined);
        }
      }
    }
  }
  await inBatches(jobs);
  console.log(`${requests} requests over ${routes.length} routes and ${names.length} parameters`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} answers were 5xx`);
  assert.deepEqual(notFoundPages.slice(0, 10), [], "a page's bad address shows the not-found page");
});

type Manifest = { node: Record<string, { workers: Record<string, unknown>; exportedName?: string }> };

/** Every server action of the build (its id, name, and a page that has it), from Next's manifest. */
function actions(routes: AppRoute[]) {
  const manifest = JSON.parse(readFileSync(path.join(process.cwd(), ".next", "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  return Object.entries(manifest.node).map(([id, entry]) => {
    const route = Object.keys(entry.workers).map((w) => routeOfWorker(routes, w)).find(Boolean);
    assert.ok(route, `the page of action ${entry.exportedName}`);
    return { id, name: entry.exportedName ?? id, url: routeUrl(route, (param) => goodSegment(route, param)) };
  });
}

/** Forged bodies of an action called with fetch: Next reads a text body as the JSON array of its arguments. */
const TEXT_BODIES = ["", "garbage", "{}", '{"a":1}', "null", "[]", '["$K1"]', "[1,2,3]", "[null,null,null,null]", '["\\u0000","\\u202e",{}]', JSON.stringify(["x".repeat(10 * 1024)]), '["$Q1","$T","$F1","$@1"]'];
/** Form fields the portal's forms post, and any name: each bad value in all of them. */
const FIELDS = ["lang", "code", "conference", "apply", "intent", "name", "report", "frequency", "weekday", "monthDay", "time", "range", "from", "to", "format", "emails", "protocol", "host", "port", "directory", "user", "auth", "password", "privateKey", "other"];

/** A multipart body: `0` (the arguments) and each field with the given bytes. */
function multipart(args: string, fields: Record<string, Buffer>, boundary = "sweepsweepsweep"): Buffer {
  const part = (name: string, value: Buffer) => [Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`), value, Buffer.from("\r\n")];
  return Buffer.concat([...part("0", Buffer.from(args)), ...Object.entries(fields).flatMap(([n, v]) => part(n, v)), Buffer.from(`--${boundary}--\r\n`)]);
}

test("forged server-action requests to every action of the build: bad arguments, bad fields, broken bodies, another origin: no 5xx", async () => {
  const routes = appRoutes();
  const list = actions(routes);
  assert.ok(list.length >= 8, `${list.length} actions`);
  const failures: Failure[] = [];
  const jobs: (() => Promise<void>)[] = [];
  const post = (action: { id: string; name: string; url: string }, client: Client, what: string, body: string | Buffer, headers: Record<string, string>) =>
    jobs.push(async () => {
      const answer = await probe("POST", action.url, client, { body: typeof body === "string" ? body : new Uint8Array(body), headers: { origin: portal.server.url, ...headers } });
      if (failed(answer.status)) failures.push(`${answer.status} ${action.name} (${what}) as ${client}: ${answer.body.slice(0, 160)}`);
    });
  for (const action of list) {
    for (const client of CLIENTS) {
      const fetchAction = { "next-action": action.id };
      for (const body of TEXT_BODIES) post(action, client, `text ${body.slice(0, 30)}`, body, { ...fetchAction, "content-type": "text/plain;charset=UTF-8" });
      for (const [what, bad] of Object.entries(BAD)) {
        const fields = Object.fromEntries(FIELDS.map((f) => [`1_${f}`, bytesOf(bad)]));
        // The form as the last argument after 0 to 3 bound ones (ids, a room number), as useActionState and .bind send it.
        for (const args of ['["$K1"]', '["$undefined","$K1"]', '["1","$undefined","$K1"]', `["${PORTAL.holderRoom}","$undefined","$K1"]`, '[1,1,"$undefined","$K1"]'])
          post(action, client, `form ${what} ${args}`, multipart(args, fields), { ...fetchAction, "content-type": "multipart/form-data; boundary=sweepsweepsweep" });
        // Without JavaScript: the action named by a form field, no header.
        const plain = Object.fromEntries(FIELDS.map((f) => [f, bytesOf(bad)]));
        post(action, client, `no-JS form ${what}`, multipart("x", { [`$ACTION_ID_${action.id}`]: Buffer.alloc(0), ...plain }), { "content-type": "multipart/form-data; boundary=sweepsweepsweep" });
      }
      post(action, client, "multipart cut short", '--sweepsweepsweep\r\ncontent-disposition: form-data; name="0"\r\n\r\n["$K1"', { ...fetchAction, "content-type": "multipart/form-data; boundary=sweepsweepsweep" });
      post(action, client, "urlencoded", "a=%ff&b=%00", { ...fetchAction, "content-type": "application/x-www-form-urlencoded" });
      post(action, client, "another origin", '["en"]', { ...fetchAction, "content-type": "text/plain;charset=UTF-8", origin: "http://evil.example" });
      post(action, client, "origin null", '["en"]', { ...fetchAction, "content-type": "text/plain;charset=UTF-8", origin: "null" });
    }
  }
  await inBatches(jobs);
  console.log(`${jobs.length} forged action requests over ${list.length} actions`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} answers were 5xx`);
});

test("login callbacks: an address of another site or one that cannot be read is refused, and a broken callback cookie does not stop a login", async () => {
  const url = portal.server.url;
  for (const callback of ["http://localhost:3000.evil.example/", "http://x:99999/", "https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
    for (const path of ["/api/auth/csrf", "/api/auth/signin", "/api/auth/session", "/api/auth/providers"]) {
      const response = await fetch(`${url}${path}?callbackUrl=${encodeURIComponent(callback)}`, { redirect: "manual" });
      assert.ok(response.status < 500, `${response.status} for ${path}?callbackUrl=${callback}`);
      const location = response.headers.get("location") ?? "";
      assert.ok(!location || location.startsWith("/") || location.startsWith(url), `${path} sends the browser to ${location}`);
    }
    // In the login form's own post, next-auth's answer stays on the portal.
    const csrf = await fetch(`${url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const signIn = await fetch(`${url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: url },
      body: new URLSearchParams({ csrfToken, username: "owner@sweep.example", password: PORTAL.password, number: PORTAL.account, json: "true", callbackUrl: callback }).toString(),
    });
    assert.ok(signIn.status < 500, `${signIn.status} signing in with callbackUrl=${callback}`);
    const { url: next } = (await signIn.json()) as { url: string };
    assert.ok(next.startsWith(url), `signing in with callbackUrl=${callback} sends the browser to ${next}`);
  }
  // A browser holding a callback cookie that cannot be read still gets its CSRF token, and the cookie is cleared.
  const csrf = await fetch(`${url}/api/auth/csrf`, { headers: { cookie: "next-auth.callback-url=http%3A%2F%2Fx%3A99999%2F" } });
  assert.equal(csrf.status, 200);
  assert.ok(((await csrf.json()) as { csrfToken?: string }).csrfToken);
  assert.ok(csrf.headers.getSetCookie().some((c) => /^next-auth\.callback-url=;.*Max-Age=0/i.test(c)), "the broken cookie is cleared");
});
