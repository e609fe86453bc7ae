/**
 * Where a login or logout may send the browser back to: a path of the portal itself. next-auth's
 * own check parses the address and throws on one it cannot read (`http://x:99999/`: 500 on
 * /api/auth/csrf, and from a cookie on every later visit, so that browser could not log in).
 * Plain TypeScript: the proxy and the auth options both use it.
 */
import { hasForbiddenText } from "./input-guard";

/**
 * The path (with query and fragment) of a path of the portal (`/reports`) or an absolute address
 * on its origin; undefined for any other site or scheme, a relative address, or one that cannot be read.
 */
export function sameOriginPath(value: string, origin: string): string | undefined {
  // A backslash reads as a slash in browsers (`/\evil.example`); "//host" is another site.
  if (!value || hasForbiddenText(value) || value.includes("\\") || value.startsWith("//")) return undefined;
  try {
    const base = new URL(origin);
    const url = value.startsWith("/") ? new URL(value, base) : new URL(value);
    if (url.origin !== base.origin) return undefined;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return undefined;
  }
}

/** next-auth's `redirect` callback: back to a same-origin path, else to the portal's home. */
export function sameOriginRedirect({ url, baseUrl }: { url: string; baseUrl: string }): string {
  const path = sameOriginPath(url, baseUrl);
  return path ? `${new URL(baseUrl).origin}${path}` : baseUrl;
}
