/**
 * The security headers of every response. The HTTP server (scripts/serve.ts) sets the baseline on
 * each response before Next sees the request, so static files, route handlers, Next's own error
 * answers and the server's refusals all carry it; the proxy (proxy.ts) replaces the baseline's
 * locked-down policy with a page policy carrying a fresh nonce for the requests it handles.
 * Plain TypeScript: the server process and the proxy both import it.
 */

export type SecurityOptions = {
  /** HSTS and upgrade-insecure-requests only when the portal is served over https (APP_URL). */
  https: boolean;
  /** `next dev` evaluates code and reloads over a websocket. */
  dev?: boolean;
};

export const isHttps = (appUrl: string | undefined) => /^https:\/\//i.test(appUrl ?? "");

/** No document of ours is ever framed, nor anything loaded from a response that is not a page. */
const LOCKED_DOWN = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Two years, subdomains included: the portal is only ever served over https once it is. */
const HSTS = "max-age=63072000; includeSubDomains";

/** Headers for every response; the Content-Security-Policy here is replaced on pages by `pagePolicy`. */
export function baselineHeaders(options: SecurityOptions): [string, string][] {
  const headers: [string, string][] = [
    ["Content-Security-Policy", LOCKED_DOWN],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
    // For browsers that predate frame-ancestors.
    ["X-Frame-Options", "DENY"],
  ];
  if (options.https) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}

/**
 * The policy of the portal's pages: scripts only with this response's nonce (Next puts it on its
 * own scripts when it finds it in the request's policy) and those they load; styles from the
 * portal's own files; nothing framed, posted or fetched elsewhere.
 */
export function pagePolicy(nonce: string, options: SecurityOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    // `next dev` injects style elements of its own (its overlay, fast refresh): allowed there only.
    `style-src 'self' ${options.dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${options.dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
