import { redirect } from "next/navigation";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/language-switcher";
import { LoginForm } from "@/components/login-form";
import { signedInHome } from "@/lib/auth/session";
import { setLanguage } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/locale";

export default async function LoginPage() {
  const home = await signedInHome();
  if (home) redirect(home);
  const { locale, t } = await getMessages();
  return (
    <div className="flex min-h-screen flex-col">
      <header className="bg-brand-900">
        <div className="mx-auto flex max-w-5xl items-center justify-between px-6 py-4">
          <Brand provider={t.provider} product={t.productName} />
          <LanguageSwitcher locale={locale} label={t.language} action={setLanguage} />
        </div>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 py-12">
        <section className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
          <LoginForm labels={t.login} />
        </section>
      </main>
    </div>
  );
}
