import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { loadSessionEnv } from "@/lib/env";
import { decodeSessionToken } from "./jwt";
import type { AccountScope, Scope } from "./scope";
import { checkSession } from "./sessions";

/** next-auth's session cookie, on http and on https. */
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export type SignedIn<S extends Scope = Scope> = { scope: S; displayName: string; sessionId: string };

/** The session id in the request's session cookie, if it decrypts. */
async function sessionIdFromCookie(): Promise<string | null> {
  const jar = await cookies();
  const token = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  const secret = process.env.NEXTAUTH_SECRET;
  if (!token || !secret) return null;
  try {
    const claims = await decodeSessionToken({ token, secret, salt: "" });
    return typeof claims?.sid === "string" ? claims.sid : null;
  } catch {
    return null; // not ours, tampered with, or signed with another secret
  }
}

/**
 * The one accessor of pages, actions, route handlers and downloads: the request's session,
 * checked against the sessions table and re-read from the database (`checkSession`), once per
 * request. Null when there is none, or it ended.
 */
export const currentSession = cache(async (): Promise<SignedIn | null> => {
  const id = await sessionIdFromCookie();
  return id ? checkSession(await getDb(), id, loadSessionEnv()) : null;
});

/** For pages and actions: the signed-in scope, or the login page. */
export async function requireScope(): Promise<SignedIn> {
  const session = await currentSession();
  if (!session) redirect("/login");
  return session;
}

/** For owner-only pages and actions: an owner's scope; a room holder gets "not found". */
export async function requireOwner(): Promise<SignedIn<AccountScope>> {
  const session = await requireScope();
  if (session.scope.kind !== "account") notFound();
  return session as SignedIn<AccountScope>;
}
