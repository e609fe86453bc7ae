import type { FormState } from "@/lib/actions/form";
import type { AccountInfo } from "@/lib/data/account";
import type { ConferenceDetail } from "@/lib/data/conferences";
import { formatDateTime, formatDuration } from "@/lib/format";
import { fill, type Messages } from "@/lib/i18n/messages";
import { BillingCodeForm } from "./billing-code-form";
import { LockedUnallocated } from "./locked-unallocated";
import { RoomLines, StatusBadge, SummaryBlock, SummaryLine } from "./summary-block";

type Zone = Pick<AccountInfo, "timeZone" | "locale">;

/** An instant in the account's zone, with the zone's offset then: "06/10/2026 14:05 GMT+2". */
const when = (d: Date, account: Zone) => formatDateTime(d, account.timeZone, account.locale);

/** The conference page's header block: its room, when it started and ended, how long it lasted. */
export function ConferenceSummary({ t, conference: c, account }: { t: Messages; conference: ConferenceDetail; account: Zone }) {
  return (
    <SummaryBlock title={t.conference.title}>
      <RoomLines number={c.roomNumber} cardholder={c.cardholder} labels={t.summary} />
      <SummaryLine label={t.conference.started}>
        <span className="num">{when(c.startedAt, account)}</span>
      </SummaryLine>
      <SummaryLine label={t.conference.ended}>
        <span className="num">{when(c.endedAt, account)}</span>
      </SummaryLine>
      <SummaryLine label={t.conference.length}>
        <span className="num">{formatDuration((c.endedAt.getTime() - c.startedAt.getTime()) / 1000)}</span>
      </SummaryLine>
    </SummaryBlock>
  );
}

type CodeProps = {
  t: Messages;
  conference: ConferenceDetail;
  account: Zone;
  /** Assigns the conference's code (bound to its id and the version shown). */
  assign: (state: FormState, formData: FormData) => Promise<FormState>;
  suggestions: string[];
};

/** The conference's billing code, where it came from, and the form to change it unless the month is invoiced. */
export function ConferenceBillingCode({ t, conference: c, account, assign, suggestions }: CodeProps) {
  const source = c.billingCodeSource ? t.codes.source[c.billingCodeSource] : null;
  return (
    <section id="billing-code" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="mb-3 flex items-center text-sm font-bold uppercase tracking-wide text-brand-900">
        {t.codes.billingCode}
        <StatusBadge invoiced={c.invoiced} label={c.invoiced ? t.summary.invoiced : t.summary.notInvoiced} />
      </h2>
      <p className="text-lg font-semibold" data-testid="current-code">
        {c.billingCode ?? (c.invoiced ? <LockedUnallocated label={t.codes.unallocated} reason={t.cleanup.lockedReason} id="conference" /> : <span className="text-amber-700">{t.codes.unallocated}</span>)}
      </p>
      {source && (
        <p className="mb-4 text-sm text-slate-600" data-testid="code-origin">
          {c.billingCodeSetBy && c.billingCodeSetAt
            ? fill(t.codes.setBy, { source, name: c.billingCodeSetBy, date: when(c.billingCodeSetAt, account) })
            : fill(t.codes.sourceOnly, { source })}
        </p>
      )}
      {c.invoiced ? (
        <p className="mt-3 rounded border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700" data-testid="locked-reason">
          {t.codes.lockedInvoiced}
        </p>
      ) : (
        <div className="mt-3">
          <BillingCodeForm
            action={assign}
            labels={{ billingCode: c.billingCode ? t.codes.change : t.codes.billingCode, submit: t.codes.assign, hint: t.codes.hint }}
            suggestions={suggestions}
          />
        </div>
      )}
    </section>
  );
}
