import { loadEnv } from "@/lib/env";
import { answeringErrors, BodyError, NotFoundError } from "@/lib/errors";
import { confirmUnsubscribe } from "@/lib/actions/unsubscribe";
import { readUnsubscribeToken } from "@/lib/schedules/unsubscribe";

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the URL of
 * the List-Unsubscribe header. The signed token is the authorization; no cookie, no login.
 */
export const POST = answeringErrors(async (request: Request) => {
  const token = new URL(request.url).searchParams.get("t") ?? "";
  const target = readUnsubscribeToken(loadEnv().encryptionKey, token);
  if (!target) throw new NotFoundError("This unsubscribe link is not valid.");
  const body = await request.text().catch(() => "");
  if (!new URLSearchParams(body).has("List-Unsubscribe")) throw new BodyError(400, "Expected List-Unsubscribe=One-Click (RFC 8058).");
  await confirmUnsubscribe(token);
  return new Response(`${target.email} is unsubscribed.\n`, { headers: { "content-type": "text/plain; charset=utf-8" } });
});

/** Someone opened the header's URL in a browser: show the page with its button. */
export async function GET(request: Request) {
  const url = new URL(request.url);
  return Response.redirect(new URL(`/unsubscribe?t=${encodeURIComponent(url.searchParams.get("t") ?? "")}`, loadEnv().appUrl), 303);
}
