import { notFound } from "next/navigation";
import { ConferenceList } from "@/components/conference-list";
import { PageActions } from "@/components/page-actions";
import { PeriodUnavailable } from "@/components/period-unavailable";
import { RoomAccountSummary, RoomSummary } from "@/components/room-summary";
import { RoomCharts } from "@/components/usage-charts";
import { requireScope } from "@/lib/auth/session";
import { getAccount, getPeriodStatus } from "@/lib/data/account";
import { getBillingCodeSuggestions, getConferenceLines } from "@/lib/data/conferences";
import { findRoom } from "@/lib/data/rooms";
import { getRoomCharts } from "@/lib/data/usage-charts";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { plural } from "@/lib/i18n/plural";
import { readPage } from "@/lib/paging";
import { choosePeriod, toUrlPeriod } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle, periodWords } from "@/lib/i18n/page-title";
import { formatRoomNumber } from "@/lib/format";

type Props = { params: Promise<{ number: string }>; searchParams: SearchParams };

export async function generateMetadata({ params, searchParams }: Props) {
  const { number } = await params;
  return pageTitle(async (t, locale) => [fill(t.titles.room, { room: formatRoomNumber(number) }), await periodWords(searchParams, locale)]);
}

export default async function RoomPage({ params, searchParams }: Props) {
  const { scope } = await requireScope();
  const [{ number }, query] = await Promise.all([params, searchParams]);
  const [room, { locale, t }, account] = await Promise.all([findRoom(scope, number), getMessages(), getAccount(scope)]);
  if (!room) notFound();
  const { period, periods } = choosePeriod(first(query.period), account.timeZone);
  const header = <h1 className="sr-only">{t.room.title}</h1>;
  if (!period) {
    return (
      <>
        {header}
        <PeriodUnavailable message={t.summary.periodUnavailable} linkLabel={t.summary.currentPeriod} href={`/rooms/${room.number}`} />
      </>
    );
  }

  const filter = { roomId: room.id };
  const [status, { list, page }, suggestions, charts] = await Promise.all([
    getPeriodStatus(scope, period),
    readPage(first(query.page), (slice) => getConferenceLines(scope, period, filter, slice), (lines) => lines.conferences),
    getBillingCodeSuggestions(scope),
    getRoomCharts(scope, room.id, periods[0]!, period, account.timeZone),
  ]);
  const invoiced = status === "invoiced";
  return (
    <>
      {header}
      <PageActions download={{ label: t.download.button, href: `/download/room?room=${room.number}&period=${toUrlPeriod(period)}` }} printLabel={t.download.print} />
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <RoomSummary t={t} locale={locale} room={room} periods={periods} period={period} conferences={list.conferences} invoiced={invoiced} />
        {scope.kind === "account" && <RoomAccountSummary t={t} account={account} room={room} period={period} />}
      </div>
      <ConferenceList t={t} list={list} page={page} account={account} invoiced={invoiced} suggestions={suggestions} emptyMessage={t.room.noConferences} lockedNote={t.codes.lockedInvoiced} pageHref={(n) => `/rooms/${room.number}?period=${toUrlPeriod(period)}&page=${n}`} />
      <p className="sr-only">{plural(t.lang, list.conferences, t.room.conferencesCount, {}, account.locale)}</p>
      {/* After the list: what the room holder comes for first, and a chart growing with a new code moves nothing above it. */}
      <div className="mt-6">
        <RoomCharts t={t} locale={locale} money={account} charts={charts} period={period} periods={periods} periodHref={(p) => `/rooms/${room.number}?period=${toUrlPeriod(p)}`} />
      </div>
    </>
  );
}
