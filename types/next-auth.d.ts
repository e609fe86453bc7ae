import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    accountId: number;
    roomId: number | null;
  }
  interface Session {
    scope: { userId: number; accountId: number; roomId: number | null };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: number;
    accountId?: number;
    roomId?: number | null;
  }
}
