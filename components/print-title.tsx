"use client";

import { useEffect, useState } from "react";
import { formatDateTime } from "@/lib/format";

/** `locale` and `timeZone`: the account's, as every date of the pages. */
type Props = { account: string; printedTemplate: string; locale: string; timeZone: string };

/**
 * The title block of a printout, shown on paper only: the account, what the page shows (its title,
 * which names the room and the period) and when it was printed — taken as the print starts, not
 * when the page was loaded.
 */
export function PrintTitle({ account, printedTemplate, locale, timeZone }: Props) {
  const [printed, setPrinted] = useState({ title: "", at: "" });
  useEffect(() => {
    const stamp = () => {
      setPrinted({ title: document.title.replace(/ — MeetingOne$/, ""), at: formatDateTime(new Date(), timeZone, locale) });
    };
    stamp();
    window.addEventListener("beforeprint", stamp);
    return () => window.removeEventListener("beforeprint", stamp);
  }, [locale, timeZone]);
  return (
    <div className="mb-4 hidden border-b border-slate-400 pb-2 print:block" data-testid="print-title">
      <p className="text-[9pt] text-slate-700">
        <span className="font-bold text-slate-900">MeetingOne</span> · {account}
      </p>
      <p className="text-[13pt] font-semibold text-slate-900">{printed.title}</p>
      <p className="text-[9pt] text-slate-700">{printedTemplate.replace("{date}", printed.at)}</p>
    </div>
  );
}
