import Link from "next/link";
import { notFound } from "next/navigation";
import { ConferenceBillingCode, ConferenceSummary } from "@/components/conference-header";
import { PageActions } from "@/components/page-actions";
import { Pager } from "@/components/pager";
import { ParticipantsTable } from "@/components/participants-table";
import { assignConferenceCode } from "@/lib/actions/billing-codes";
import { requireScope } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConference } from "@/lib/data/conferences";
import { gmtOffset } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { paginate, subtotal } from "@/lib/paging";
import { toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";
import { formatRoomNumber } from "@/lib/format";

type Props = { params: Promise<{ number: string; id: string }>; searchParams: SearchParams };

export async function generateMetadata({ params }: Props) {
  const { number } = await params;
  return pageTitle((t) => [t.conference.title, fill(t.titles.room, { room: formatRoomNumber(number) })]);
}

export default async function ConferencePage({ params, searchParams }: Props) {
  const { scope } = await requireScope();
  const [{ number, id }, query] = await Promise.all([params, searchParams]);
  if (!/^\d{1,15}$/.test(id)) notFound();
  const [found, { t }, account, suggestions] = await Promise.all([getConference(scope, number, Number(id)), getMessages(), getAccount(scope), getBillingCodeSuggestions(scope)]);
  if (!found) notFound();
  const { conference: c, participants, total } = found;
  // Participants are distinct lines, each its own entry.
  const page = paginate(participants, first(query.page), (p) => p);
  return (
    <>
      <h1 className="sr-only">{t.conference.title}</h1>
      <div className="flex flex-wrap items-start justify-between">
        <Link href={`/rooms/${c.roomNumber}?period=${toUrlPeriod(c.period)}`} className="no-print mb-4 inline-block text-sm font-medium text-brand-700 hover:underline">
          ← {t.conference.backToRoom}
        </Link>
        <PageActions download={{ label: t.download.button, href: `/download/conference?room=${c.roomNumber}&conference=${c.id}&period=${toUrlPeriod(c.period)}` }} printLabel={t.download.print} />
      </div>
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <ConferenceSummary t={t} conference={c} account={account} />
        <ConferenceBillingCode t={t} conference={c} account={account} assign={assignConferenceCode.bind(null, c.id, c.version)} suggestions={suggestions} />
      </div>
      <ParticipantsTable
        labels={t.conference}
        serviceTypes={t.serviceTypes}
        participants={page.items}
        total={total}
        subtotal={page.pages > 1 ? { label: t.paging.subtotal, sums: subtotal(page.items) } : undefined}
        account={account}
        offset={gmtOffset(c.startedAt, account.timeZone)}
      />
      <Pager page={page} href={(n) => `/rooms/${c.roomNumber}/conferences/${c.id}?page=${n}`} labels={t.paging} locale={account.locale} />
    </>
  );
}
