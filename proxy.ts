import { NextResponse, type NextRequest } from "next/server";
import { isHttps, newNonce, pagePolicy } from "@/lib/http/security-headers";

/**
 * Every request but static files and the CDR API (whose bodies, up to 256 MiB, are streamed and
 * must not be buffered for a proxy) passes here first: the response gets the page policy with a
 * fresh nonce, which Next puts on its scripts (every page is rendered per request: they read the
 * session).
 */
export function proxy(request: NextRequest) {
  return withPolicy(request);
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
