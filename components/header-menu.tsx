"use client";

import { usePathname } from "next/navigation";
import { useId, useState, type ReactNode } from "react";

/**
 * The header's links and buttons: in a row on wide screens; on a phone behind a Menu button that
 * opens them as a list under the brand (and closes when another page opens).
 */
export function HeaderMenu({ label, children }: { label: string; children: ReactNode }) {
  const pathname = usePathname();
  // Open on the page where it was opened: another page starts with it closed.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const id = useId();
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpenOn(open ? null : pathname)}
        className="inline-flex items-center gap-2 rounded border border-white/40 px-3 py-1.5 text-sm font-semibold text-white hover:bg-white/10 md:hidden"
        data-testid="menu-button"
      >
        <span aria-hidden="true" className="text-base leading-none">
          {open ? "✕" : "☰"}
        </span>
        {label}
      </button>
      <div id={id} className={`${open ? "flex" : "hidden"} w-full flex-col gap-4 border-t border-white/15 pt-3 md:flex md:w-auto md:flex-1 md:flex-row md:items-center md:justify-between md:border-0 md:pt-0`}>
        {children}
      </div>
    </>
  );
}
