import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { loadEnv } from "@/lib/env";
import { sameOriginRedirect } from "@/lib/http/callback-url";
import { decodeSessionToken, encodeSessionToken } from "./jwt";
import { login } from "./login";
import { LOGIN_ERRORS } from "./login-errors";
import { checkSession, endSession, sessionLimits, startSession } from "./sessions";

/** Thrown by the jwt callback for a session that ended: next-auth then clears the cookie. */
class SessionEnded extends Error {}

type Headers = Record<string, string | string[] | undefined> | undefined;
const header = (headers: Headers, name: string) => {
  const value = headers?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
};

/**
 * The client's address: the portal's server (scripts/serve.ts) sets X-Forwarded-For to the one
 * address it trusts (the connection's, or a trusted proxy's hop), replacing what the client sent.
 */
const clientAddress = (headers: Headers) => header(headers, "x-forwarded-for").split(",")[0]?.trim() || "unknown";

export const authOptions: NextAuthOptions = {
  // The cookie's own lifetime; the session itself ends by the sessions table (idle, absolute, revoked).
  session: { strategy: "jwt", maxAge: sessionLimits().maxHours * 3600 },
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "credentials",
      credentials: {
        username: { type: "text" },
        password: { type: "password" },
        number: { type: "text" },
        /** The second step of a user with a second factor: a 6-digit code or a recovery code. */
        code: { type: "text" },
      },
      async authorize(credentials, req) {
        const db = await getDb();
        const address = clientAddress(req?.headers);
        const result = await login(db, {
          username: String(credentials?.username ?? ""),
          password: String(credentials?.password ?? ""),
          number: String(credentials?.number ?? ""),
          code: String(credentials?.code ?? ""),
          address,
        }, { encryptionKey: loadEnv().encryptionKey });
        if (result.ok) {
          const sid = await startSession(db, result.scope, { userAgent: header(req?.headers, "user-agent"), address });
          return { id: String(result.scope.userId), name: result.displayName, sid };
        }
        if (result.reason === "locked") throw new Error(`${LOGIN_ERRORS.lockedPrefix}${result.retryAfterMinutes}`);
        if (result.reason === "code-required") throw new Error(LOGIN_ERRORS.codeRequired);
        if (result.reason === "invalid-code") throw new Error(LOGIN_ERRORS.invalidCode);
        return null;
      },
    }),
  ],
  callbacks: {
    // next-auth's default throws on an address it cannot parse (500); this one never leaves the portal.
    redirect: sameOriginRedirect,
    // At login the session id goes into the cookie; afterwards (/api/auth/session) an ended
    // session is refused, which clears the cookie.
    async jwt({ token, user }) {
      if (user) return { sid: user.sid };
      if (!token.sid || !(await checkSession(await getDb(), token.sid, sessionLimits()))) throw new SessionEnded("session ended");
      return token;
    },
    session({ session }) {
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) await endSession(await getDb(), token.sid, "logout");
    },
  },
  logger: {
    error(code, metadata) {
      // A session that ended is not an error of the portal.
      const cause = metadata instanceof Error ? metadata : (metadata as { error?: unknown })?.error;
      if (code === "JWT_SESSION_ERROR" && cause instanceof SessionEnded) return;
      console.error(`[next-auth][error][${code}]`, metadata);
    },
  },
};
