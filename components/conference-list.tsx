import type { ReactNode } from "react";
import { assignSelectedCodes } from "@/lib/actions/billing-codes";
import type { FormState } from "@/lib/actions/form";
import type { ConferenceLine } from "@/lib/data/conferences";
import type { Messages } from "@/lib/i18n/messages";
import { subtotal, type PageSlice } from "@/lib/paging";
import { BillingCodeForm } from "./billing-code-form";
import { ConferenceTable } from "./conference-table";
import { Pager } from "./pager";

type Props = {
  t: Messages;
  list: { lines: ConferenceLine[]; total: { durationS: number; chargeMinor: number } };
  page: PageSlice;
  pageHref: (page: number) => string;
  account: { timeZone: string; currency: string; locale: string };
  /** An invoiced month shows the list alone; otherwise a code can be assigned to the conferences ticked. */
  invoiced: boolean;
  suggestions: string[];
  /** Shown when the list is empty. */
  emptyMessage: string;
  /** Shown above an invoiced month's list. */
  lockedNote?: string;
  /** The list spans rooms: a room column, its heading. */
  roomColumn?: string;
  /** The assignment's action, when not the room page's (the ticked conferences). */
  assign?: (state: FormState, formData: FormData) => Promise<FormState>;
  /** Fields before the code (the clean-up's "select all"). */
  before?: ReactNode;
  /** The code form stays when the list empties (its confirmation with it): lists that assigning empties. */
  keepForm?: boolean;
};

/**
 * A page of conferences (one line per conference and service type) with the whole list's total;
 * in a month not yet invoiced, inside the form that assigns a billing code to the ones ticked.
 */
export function ConferenceList({ t, list, page, pageHref, account, invoiced, suggestions, emptyMessage, lockedNote, roomColumn, assign, before, keepForm }: Props) {
  const empty = <p className="w-full rounded-lg border border-slate-200 bg-white p-5 text-slate-700">{emptyMessage}</p>;
  if (list.lines.length === 0 && (invoiced || !keepForm)) return empty;
  const table = list.lines.length === 0 ? empty : (
    <>
      <ConferenceTable
        labels={{ ...t.room, unallocated: t.codes.unallocated }}
        serviceTypes={t.serviceTypes}
        lines={list.lines.map((l) => ({ ...l, href: `/rooms/${l.roomNumber}/conferences/${l.conferenceId}` }))}
        total={list.total}
        subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(list.lines) } : undefined}
        account={account}
        selectable={!invoiced}
        lockedReason={invoiced ? t.cleanup.lockedReason : undefined}
        roomColumn={roomColumn}
      />
    </>
  );
  // Outside the assignment's form: the pager's Go to page is a form of its own, and forms do not nest.
  const pager = <Pager page={page} href={pageHref} labels={t.paging} locale={account.locale} />;
  if (invoiced) {
    return (
      <>
        {lockedNote && <p className="mb-3 text-sm text-slate-600">{lockedNote}</p>}
        {table}
        {pager}
      </>
    );
  }
  return (
    <>
      <BillingCodeForm action={assign ?? assignSelectedCodes} labels={{ billingCode: t.room.assignSelected, submit: t.codes.assign, hint: t.codes.hint }} suggestions={suggestions} before={before} compact>
        <div className="w-full">{table}</div>
      </BillingCodeForm>
      {pager}
    </>
  );
}
