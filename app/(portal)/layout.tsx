import Link from "next/link";
import type { ReactNode } from "react";
import { Brand } from "@/components/brand";
import { HeaderMenu } from "@/components/header-menu";
import { LanguageSwitcher } from "@/components/language-switcher";
import { LogoutButton } from "@/components/logout-button";
import { PrintTitle } from "@/components/print-title";
import { requireScope } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { setLanguage } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/locale";
import { fill, type Messages } from "@/lib/i18n/messages";

const navLink = "rounded-sm text-white/85 hover:text-white hover:underline";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const { scope, displayName } = await requireScope();
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="no-print sr-only z-50 rounded bg-white px-3 py-2 font-semibold text-brand-900 focus:not-sr-only focus:absolute focus:left-3 focus:top-3" data-testid="skip-link">
        {t.skipToContent}
      </a>
      <header className="no-print bg-brand-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-5 gap-y-3 px-4 py-3 sm:px-6 md:py-4">
          <Brand provider={t.provider} product={t.productName} compact={scope.kind === "account"} />
          <HeaderMenu label={t.menu}>
            <nav className="flex flex-col gap-3 text-sm font-medium md:flex-row md:flex-wrap md:gap-x-3.5 md:gap-y-1 md:whitespace-nowrap" aria-label={t.productName}>
              {scope.kind === "account" && <OwnerLinks t={t} />}
            </nav>
            <div className="flex flex-wrap items-center gap-3">
              <span className="text-sm text-white/80 md:hidden 2xl:inline">
                {t.loggedInAs} <strong className="text-white">{displayName}</strong>
              </span>
              <a href="/sessions" className={`${navLink} text-sm font-medium`} data-testid="nav-sessions">
                {t.sessions.nav}
              </a>
              <LanguageSwitcher locale={locale} label={t.language} action={setLanguage} />
              <LogoutButton label={t.logOut} />
            </div>
          </HeaderMenu>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 sm:py-8 focus:outline-none">
        <PrintTitle account={`${account.companyName} — ${account.number}`} printedTemplate={t.download.printed} locale={account.locale} timeZone={account.timeZone} />
        {children}
      </main>
      <footer className="no-print border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-sm sm:px-6 text-slate-600">
          <a href="#top" className="no-print font-medium text-brand-700 hover:underline">
            <span aria-hidden="true">↑</span> {t.goToTop}
          </a>
          <span>{fill(t.support, { phone: account.supportPhone })}</span>
        </div>
      </footer>
    </div>
  );
}

/** The owner's pages in the header: the account, its clean-up, reports, schedules, alerts. */
function OwnerLinks({ t }: { t: Messages }) {
  return (
    <>
      <a href="/account" className={navLink}>
        {t.summary.title}
      </a>
      <a href="/account/unallocated" className={navLink} data-testid="nav-cleanup">
        {t.cleanup.nav}
      </a>
      <a href="/reports" className={navLink} data-testid="nav-reports">
        {t.reports.nav}
      </a>
      <Link href="/reports/schedules" className={navLink}>
        {t.schedules.title}
      </Link>
      <a href="/account/alerts" className={navLink} data-testid="nav-alerts">
        {t.alerts.nav}
      </a>
    </>
  );
}
