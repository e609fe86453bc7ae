import { redirect } from "next/navigation";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/language-switcher";
import { LogoutButton } from "@/components/logout-button";
import { EnrolmentForm } from "@/components/two-factor-forms";
import { ScanStep } from "@/components/two-factor-scan-step";
import { confirmEnrolmentAction } from "@/lib/actions/two-factor";
import { requireOwnerForEnrolment } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { newEnrolment } from "@/lib/data/two-factor";
import { setLanguage } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { pageTitle } from "@/lib/i18n/page-title";


export const generateMetadata = () => pageTitle((t) => [t.twoFactor.title]);

/**
 * Enrolment of a TOTP second factor, for owners: outside the portal's layout, since an owner whom
 * support requires to enrol reaches this page only (and the portal's layout sends them here).
 */
export default async function TwoFactorEnrolmentPage() {
  const { scope, sessionId, mustEnrol } = await requireOwnerForEnrolment();
  const [{ locale, t }, account, enrolment] = await Promise.all([getMessages(), getAccount(scope), newEnrolment(scope, sessionId)]);
  if (!enrolment) redirect("/security");
  const tf = t.twoFactor;
  return (
    <div className="flex min-h-screen flex-col">
      <header className="no-print bg-brand-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-6 py-4">
          <Brand provider={t.provider} product={t.productName} />
          <div className="flex items-center gap-3">
            <LanguageSwitcher locale={locale} label={t.language} action={setLanguage} />
            <LogoutButton label={t.logOut} />
          </div>
        </div>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 py-8 sm:py-12">
        <section className="w-full max-w-2xl space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm sm:p-8">
          <div className="space-y-3">
            <h1 className="text-xl font-semibold text-brand-900">{tf.setupTitle}</h1>
            {mustEnrol && (
              <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900" data-testid="required-notice">
                {fill(tf.requiredNotice, { account: account.number })}
              </p>
            )}
            <p className="text-sm text-slate-600">{tf.setupIntro}</p>
          </div>
          <EnrolmentForm
            action={confirmEnrolmentAction}
            back={mustEnrol ? undefined : { href: "/security", label: tf.back }}
            labels={{ code: tf.code, submit: tf.confirm, submitting: tf.confirming, codeStep: tf.codeStep, enabled: tf.enabled, recoveryTitle: tf.recoveryTitle, recoveryIntro: tf.recoveryIntro, print: tf.print, continue: tf.continue }}
            steps={<ScanStep tf={tf} enrolment={enrolment} />}
          />
        </section>
      </main>
    </div>
  );
}
