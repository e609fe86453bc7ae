import type { ReactNode } from "react";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/language-switcher";
import { setLanguage } from "@/lib/i18n/actions";
import type { Locale, Messages } from "@/lib/i18n/messages";

/** The brand bar of a page reached without a session, with the language switcher. */
export function PublicHeader({ locale, t }: { locale: Locale; t: Messages }) {
  return (
    <header className="bg-brand-900">
      <div className="mx-auto flex max-w-5xl items-center justify-between px-4 py-4 sm:px-6">
        <Brand provider={t.provider} product={t.productName} />
        <LanguageSwitcher locale={locale} label={t.language} action={setLanguage} />
      </div>
    </header>
  );
}

/** A page reached without a session (login, unsubscribe): the brand bar and one centred card. */
export function PublicPage({ locale, t, width, children }: { locale: Locale; t: Messages; width: "md" | "lg"; children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <PublicHeader locale={locale} t={t} />
      <main className="flex flex-1 items-start justify-center px-4 py-12">
        <section className={`w-full ${width === "md" ? "max-w-md" : "max-w-lg"} rounded-lg border border-slate-200 bg-white p-8 shadow-sm`}>{children}</section>
      </main>
    </div>
  );
}
