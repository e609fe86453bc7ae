"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page from the server every `everyMs` while it is shown (a run is under way or
 * waiting for a retry); the page stops rendering this once nothing is pending, which ends the
 * polling. A refresh fetches the page's data only: no navigation, the forms keep what is typed.
 */
export function LiveRefresh({ everyMs }: { everyMs: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(() => {
      if (!document.hidden) router.refresh();
    }, everyMs);
    return () => clearInterval(timer);
  }, [router, everyMs]);
  return null;
}
