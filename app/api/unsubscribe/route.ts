import { loadEnv } from "@/lib/env";
import { confirmUnsubscribe } from "@/lib/actions/unsubscribe";
import { readUnsubscribeToken } from "@/lib/schedules/unsubscribe";

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL of
 * the List-Unsubscribe header. The signed token is the authorization; no cookie, no login.
 */
export async function POST(request: Request) {
  const token = new URL(request.url).searchParams.get("t") ?? "";
  const target = readUnsubscribeToken(loadEnv().encryptionKey, token);
  if (!target) return new Response("This unsubscribe link is not valid.\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  const body = await request.text().catch(() => "");
  if (!new URLSearchParams(body).has("List-Unsubscribe")) return new Response("Expected List-Unsubscribe=One-Click (RFC 8058).\n", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  await confirmUnsubscribe(token);
  return new Response(`${target.email} is unsubscribed.\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** Someone opened the header's URL in a browser: show the page with its button. */
export async function GET(request: Request) {
  const url = new URL(request.url);
  return Response.redirect(new URL(`/unsubscribe?t=${encodeURIComponent(url.searchParams.get("t") ?? "")}`, loadEnv().appUrl), 303);
}
