import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { sameOriginRedirect } from "@/lib/http/callback-url";
import { decodeSessionToken, encodeSessionToken } from "./jwt";
import { login } from "./login";

/** Thrown to the login form as `error`: "locked:<minutes>". */
export const LOCKED_PREFIX = "locked:";

function clientAddress(headers: Record<string, string | string[] | undefined> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || "unknown";
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 8 * 3600 },
  jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
  pages: { signIn: "/login", error: "/login" },
  providers: [
    CredentialsProvider({
      name: "credentials",
      credentials: {
        username: { type: "text" },
        password: { type: "password" },
        number: { type: "text" },
      },
      async authorize(credentials, req) {
        const result = await login(await getDb(), {
          username: String(credentials?.username ?? ""),
          password: String(credentials?.password ?? ""),
          number: String(credentials?.number ?? ""),
          address: clientAddress(req?.headers),
        });
        if (result.ok) {
          return { id: String(result.scope.userId), name: result.displayName, accountId: result.scope.accountId, roomId: result.scope.roomId };
        }
        if (result.reason === "locked") throw new Error(`${LOCKED_PREFIX}${result.retryAfterMinutes}`);
        return null;
      },
    }),
  ],
  callbacks: {
    // next-auth's default throws on an address it cannot parse (500); this one never leaves the portal.
    redirect: sameOriginRedirect,
    jwt({ token, user }) {
      if (user) {
        token.uid = Number(user.id);
        token.accountId = user.accountId;
        token.roomId = user.roomId;
      }
      return token;
    },
    session({ session, token }) {
      session.scope = { userId: token.uid ?? 0, accountId: token.accountId ?? 0, roomId: token.roomId ?? null };
      return session;
    },
  },
};
