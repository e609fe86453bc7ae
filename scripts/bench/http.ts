/** Talking to the portal over HTTP as a browser does. */

const REQUEST_TIMEOUT_MS = 60_000;
export const SESSION_COOKIE = "next-auth.session-token";

/** The `name=value` pairs a response sets, keyed by name. */
function setCookies(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return cookies;
}

const cookieHeader = (cookies: Map<string, string>) => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");

/**
 * Logs in through next-auth v4's credentials flow: GET /api/auth/csrf (token + cookie), then the
 * form POST to /api/auth/callback/credentials (with `code`, the second step of a user with a second
 * factor). Returns the Cookie header carrying the session.
 */
export async function login(baseUrl: string, credentials: { username: string; password: string; number: string; code?: string }): Promise<string> {
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (csrfResponse.status !== 200) throw new Error(`GET /api/auth/csrf answered ${csrfResponse.status}`);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken?: string };
  if (!csrfToken) throw new Error("GET /api/auth/csrf returned no csrfToken");
  const cookies = setCookies(csrfResponse);

  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(cookies) },
    body: new URLSearchParams({ csrfToken, ...credentials, json: "true" }).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await response.text();
  for (const [name, value] of setCookies(response)) cookies.set(name, value);
  if (!cookies.get(SESSION_COOKIE)) throw new Error(`login as ${credentials.username} / ${credentials.number} failed (${response.status}): ${body.slice(0, 300)}`);
  return cookieHeader(new Map([[SESSION_COOKIE, cookies.get(SESSION_COOKIE)!]]));
}

export type Page = { status: number; body: string; bytes: number; ms: number };

export async function getPage(url: string, cookie: string): Promise<Page> {
  const started = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const buffer = Buffer.from(await response.arrayBuffer());
  return { status: response.status, body: buffer.toString("utf8"), bytes: buffer.length, ms: performance.now() - started };
}
