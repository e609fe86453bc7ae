import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    /** The server-side session opened at login (the sessions table). */
    sid: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}
