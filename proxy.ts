import { NextResponse, type NextRequest } from "next/server";
import { actionRefusal } from "@/lib/http/action-guard";
import { sameOriginPath } from "@/lib/http/callback-url";
import { addressProblem } from "@/lib/http/input-guard";
import { isHttps, newNonce, pagePolicy } from "@/lib/http/security-headers";

/**
 * Every request but static files and the CDR API (whose bodies, up to 256 MiB, are streamed and
 * must not be buffered for a proxy) passes here first:
 *
 * 1. an address that is not UTF-8 or holds control or bidi characters is answered with the
 *    not-found page (Next answered 500 for `/download/%ff`; PostgreSQL refused NUL: 500);
 * 2. a post to a page from another origin, or an action body Next cannot decode, is refused;
 * 3. next-auth never sees a callback address that is not a path of the portal (in the query or
 *    in its cookie, which is cleared), so it cannot fail on one or send the browser elsewhere;
 * 4. the response gets the page policy with a fresh nonce, which Next puts on its scripts
 *    (every page is rendered per request: they read the session).
 */
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (addressProblem(pathname, search)) return withPolicy(request, (headers) => NextResponse.rewrite(new URL("/_not-found", request.url), { request: { headers } }));

  if (request.method === "POST" && !pathname.startsWith("/api/")) {
    const refusal = await actionRefusal(request.clone());
    if (refusal) return withPolicy(request, () => new NextResponse(`${refusal.message}\n`, { status: refusal.status, headers: { "content-type": "text/plain; charset=utf-8" } }));
  }

  if (pathname.startsWith("/api/auth/")) {
    const repaired = repairCallback(request);
    if (repaired) return repaired;
  }
  return withPolicy(request);
}

/** next-auth's callback cookie: `__Secure-` prefixed when the portal is served over https. */
const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];
const authOrigin = (request: NextRequest) => process.env.NEXTAUTH_URL ?? request.nextUrl.origin;

/**
 * next-auth never sees a `callbackUrl` parameter or cookie that is not a path of the portal: the
 * request is sent again without the parameter (307 keeps a post's method and body), and goes on
 * without the cookie, which the browser is told to forget. Undefined when there is nothing to repair.
 */
function repairCallback(request: NextRequest): NextResponse | undefined {
  const origin = authOrigin(request);
  const param = request.nextUrl.searchParams.get("callbackUrl");
  const badCookies = CALLBACK_COOKIES.filter((name) => {
    const value = request.cookies.get(name)?.value;
    return value !== undefined && !sameOriginPath(value, origin);
  });
  let response: NextResponse | undefined;
  if (param !== null && !sameOriginPath(param, origin)) {
    const url = request.nextUrl.clone();
    url.searchParams.delete("callbackUrl");
    response = withPolicy(request, () => NextResponse.redirect(url, 307));
  } else if (badCookies.length) {
    const headers = new Headers(request.headers);
    const kept = request.cookies.getAll().filter((c) => !badCookies.includes(c.name));
    if (kept.length) headers.set("cookie", kept.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join("; "));
    else headers.delete("cookie");
    response = withPolicy(request, onToTheRoute, headers);
  }
  for (const name of badCookies) response?.cookies.set(name, "", { path: "/", maxAge: 0, secure: name.startsWith("__Secure-") });
  return response;
}

type Respond = (requestHeaders: Headers) => NextResponse;
const onToTheRoute: Respond = (headers) => NextResponse.next({ request: { headers } });

/**
 * The response (by default: on to the route) with the page policy; the route gets the request
 * headers with the policy's nonce, which Next reads from the request's copy of the policy (and
 * the portal from `x-nonce`).
 */
function withPolicy(request: NextRequest, respond: Respond = onToTheRoute, requestHeaders = new Headers(request.headers)): NextResponse {
  const nonce = newNonce();
  const policy = pagePolicy(nonce, { https: isHttps(process.env.APP_URL), dev: process.env.NODE_ENV === "development" });
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = respond(requestHeaders);
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|api/v1/cdrs).*)"],
};
