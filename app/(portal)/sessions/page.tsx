import { ApiKeysLink } from "@/components/api-keys-link";
import Bowser from "bowser";
import { ActionButton } from "@/components/schedule-buttons";
import { endSessionsAction } from "@/lib/actions/sessions";
import { requireScope } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { sessionLimits } from "@/lib/auth/sessions";
import { listMySessions } from "@/lib/data/sessions";
import { getTwoFactorStatus } from "@/lib/data/two-factor";
import { formatDateTime, formatLocalDate } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill, type Messages } from "@/lib/i18n/messages";
import { pageTitle } from "@/lib/i18n/page-title";

/** "Firefox 128 on Linux", from a browser's User-Agent. */
function describeBrowser(userAgent: string, t: Messages): string {
  if (!userAgent) return t.sessions.unknownDevice;
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = parsed.os.name;
  return browser ? (os ? `${browser} · ${os}` : browser) : t.sessions.unknownDevice;
}

export const generateMetadata = () => pageTitle((t) => [t.sessions.title]);

/** Everywhere the user is logged in, and a way to end the sessions they do not recognise. */
export default async function SessionsPage() {
  const { scope, sessionId } = await requireScope();
  const [{ t }, account, sessions, twoFactor] = await Promise.all([
    getMessages(),
    getAccount(scope),
    listMySessions(scope, sessionId),
    scope.kind === "account" ? getTwoFactorStatus(scope) : null,
  ]);
  const when = (d: Date) => formatDateTime(d, account.timeZone, account.locale);
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-brand-900">{t.sessions.title}</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">{fill(t.sessions.intro, { idle: sessionLimits().idleMinutes, max: sessionLimits().maxHours })}</p>
      </div>
      <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white" data-testid="sessions">
        {sessions.map((s) => {
          const device = describeBrowser(s.userAgent, t);
          return (
            <li key={s.id} className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-center sm:justify-between" data-testid="session">
              <div className="min-w-0 space-y-1">
                <p className="font-medium text-slate-900">
                  {device}
                  {s.current && <span className="ml-2 rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-900">{t.sessions.current}</span>}
                </p>
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm text-slate-600">
                  <dt>{t.sessions.started}</dt>
                  <dd>{when(s.createdAt)}</dd>
                  <dt>{t.sessions.lastSeen}</dt>
                  <dd>{when(s.lastSeenAt)}</dd>
                  <dt>{t.sessions.address}</dt>
                  <dd className="break-all">{s.address || "—"}</dd>
                </dl>
              </div>
              {!s.current && (
                <ActionButton action={endSessionsAction} label={t.sessions.end} danger fields={{ session: s.id }} ariaLabel={fill(t.sessions.endLabel, { device, when: when(s.lastSeenAt) })} testId="end-session" />
              )}
            </li>
          );
        })}
      </ul>
      {others > 0 && <ActionButton action={endSessionsAction} label={t.sessions.endAll} danger fields={{ session: "all" }} testId="end-all-sessions" />}
      {twoFactor && (
        <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white px-4 py-4 sm:flex-row sm:items-center sm:justify-between" aria-labelledby="two-factor-title">
          <div className="space-y-1">
            <h2 id="two-factor-title" className="font-semibold text-slate-900">
              {t.twoFactor.title}
            </h2>
            <p className="text-sm text-slate-600">{twoFactor.enrolled ? fill(t.twoFactor.statusOn, { date: formatLocalDate(twoFactor.enabledAt!, account.timeZone, account.locale) }) : t.twoFactor.statusOff}</p>
          </div>
          <a href={twoFactor.enrolled ? "/security" : "/two-factor"} className="self-start rounded bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-900 sm:self-center" data-testid="manage-two-factor">
            {twoFactor.enrolled ? t.twoFactor.manage : t.twoFactor.setUp}
          </a>
        </section>
      )}
      {scope.kind === "account" && <ApiKeysLink t={t} />}
    </div>
  );
}
