import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { decodeSessionToken } from "./jwt";
import type { AccountScope, Scope } from "./scope";
import { homePath } from "@/lib/data/rooms";
import { checkSession, sessionLimits, type CheckedSession } from "./sessions";

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

/** Where an owner who must enrol a second factor is sent, and the only page they may reach. */
const ENROL_PATH = "/two-factor";

/** The request's session as checked (`checkSession`), once per request; null when there is none or it ended. */
const checkedSession = cache(async (): Promise<CheckedSession | null> => {
  const id = await sessionIdFromCookie();
  return id ? checkSession(await getDb(), id, sessionLimits()) : null;
});

const signedIn = ({ scope, displayName, sessionId }: CheckedSession): SignedIn => ({ scope, displayName, sessionId });

/**
 * The one accessor of pages, actions, route handlers and downloads: the request's session,
 * checked against the sessions table and re-read from the database (`checkSession`), once per
 * request. Null when there is none, or it ended — and while its owner must first enrol a second
 * factor (support requires it for the account): such a session reaches nothing but enrolment.
 */
export const currentSession = cache(async (): Promise<SignedIn | null> => {
  const session = await checkedSession();
  return session && !session.mustEnrol ? signedIn(session) : null;
});

/** For pages and actions: the signed-in scope, or the login page (or enrolment, when it must come first). */
export async function requireScope(): Promise<SignedIn> {
  const session = await checkedSession();
  if (!session) redirect("/login");
  if (session.mustEnrol) redirect(ENROL_PATH);
  return signedIn(session);
}

/** For owner-only pages and actions: an owner's scope; a room holder gets "not found". */
export async function requireOwner(): Promise<SignedIn<AccountScope>> {
  const session = await requireScope();
  if (session.scope.kind !== "account") notFound();
  return session as SignedIn<AccountScope>;
}

/**
 * For the enrolment page and its action only: an owner's session, also one that must enrol
 * before anything else (`mustEnrol`). A room holder gets "not found", no session the login page.
 */
export async function requireOwnerForEnrolment(): Promise<SignedIn<AccountScope> & { mustEnrol: boolean }> {
  const session = await checkedSession();
  if (!session) redirect("/login");
  if (session.scope.kind !== "account") notFound();
  return { ...(signedIn(session) as SignedIn<AccountScope>), mustEnrol: session.mustEnrol };
}

/**
 * Where a signed-in visitor lands (the account summary, the holder's room, or enrolment first), or
 * null: the login page sends a visitor already signed in there, and the login form goes there
 * straight after signing in, without a stop at "/".
 */
export async function signedInHome(): Promise<string | null> {
  const session = await checkedSession();
  if (!session) return null;
  return session.mustEnrol ? ENROL_PATH : homePath(session.scope);
}
