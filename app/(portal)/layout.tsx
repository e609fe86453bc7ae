import Link from "next/link";
import type { ReactNode } from "react";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/language-switcher";
import { LogoutButton } from "@/components/logout-button";
import { requireScope } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { setLanguage } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const { scope, displayName } = await requireScope();
  const [{ locale, t }, account] = await Promise.all([getMessages(), getAccount(scope)]);
  return (
    <div className="flex min-h-screen flex-col">
      <a href="#main" className="no-print sr-only z-50 rounded bg-white px-3 py-2 font-semibold text-brand-900 focus:not-sr-only focus:absolute focus:left-3 focus:top-3" data-testid="skip-link">
        {t.skipToContent}
      </a>
      <header className="no-print bg-brand-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-6 py-4">
          <div className="flex items-center gap-5">
            <Brand provider={t.provider} product={t.productName} compact={scope.kind === "account"} />
            {scope.kind === "account" && (
              <nav className="flex min-w-0 flex-wrap gap-x-3.5 gap-y-1 whitespace-nowrap text-sm font-medium" aria-label={t.productName}>
                <a href="/account" className="text-white/85 hover:text-white hover:underline">
                  {t.summary.title}
                </a>
                <a href="/account/unallocated" className="text-white/85 hover:text-white hover:underline" data-testid="nav-cleanup">
                  {t.cleanup.nav}
                </a>
                <a href="/reports" className="text-white/85 hover:text-white hover:underline" data-testid="nav-reports">
                  {t.reports.nav}
                </a>
                <Link href="/reports/schedules" className="text-white/85 hover:text-white hover:underline">
                  {t.schedules.title}
                </Link>
              </nav>
            )}
          </div>
          <div className="flex items-center gap-3">
            <span className="hidden text-sm text-white/80 md:inline">
              {t.loggedInAs} <strong className="text-white">{displayName}</strong>
            </span>
            <a href="/sessions" className="text-sm font-medium text-white/85 hover:text-white hover:underline" data-testid="nav-sessions">
              {t.sessions.nav}
            </a>
            <LanguageSwitcher locale={locale} label={t.language} action={setLanguage} />
            <LogoutButton label={t.logOut} />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-6 py-8 focus:outline-none">
        {children}
      </main>
      <footer className="no-print border-t border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-2 px-6 py-4 text-sm text-slate-600">
          <a href="#top" className="no-print font-medium text-brand-700 hover:underline">
            <span aria-hidden="true">↑</span> {t.goToTop}
          </a>
          <span>{fill(t.support, { phone: account.supportPhone })}</span>
        </div>
      </footer>
    </div>
  );
}
