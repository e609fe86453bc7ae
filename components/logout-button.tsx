"use client";

import { signOut } from "next-auth/react";

export function LogoutButton({ label }: { label: string }) {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/login" })}
      className="rounded border border-white/40 px-3 py-1 text-sm text-white hover:bg-white/10"
    >
      {label}
    </button>
  );
}
