import { redirect } from "next/navigation";
import { Brand } from "@/components/brand";
import { LanguageSwitcher } from "@/components/language-switcher";
import { LogoutButton } from "@/components/logout-button";
import { EnrolmentForm, StepHeading } from "@/components/two-factor-forms";
import { confirmEnrolmentAction } from "@/lib/actions/two-factor";
import { requireOwnerForEnrolment } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { newEnrolment } from "@/lib/data/two-factor";
import { innerHtml, trustedHtml } from "@/lib/html";
import { setLanguage } from "@/lib/i18n/actions";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";

export const metadata = { title: "Two-factor authentication" };

/** "ABCD EFGH IJKL MNOP QRST …" split after its 4th group. */
const halves = (grouped: string): [string, string] => {
  const groups = grouped.split(" ");
  return [groups.slice(0, 4).join(" "), groups.slice(4).join(" ")];
};

/**
 * Enrolment of a TOTP second factor, for owners: outside the portal's layout, since an owner whom
 * support requires to enrol reaches this page only (and the portal's layout sends them here).
 */
export default async function TwoFactorEnrolmentPage() {
  const { scope, sessionId, mustEnrol } = await requireOwnerForEnrolment();
  const [{ locale, t }, account, enrolment] = await Promise.all([getMessages(), getAccount(scope), newEnrolment(scope, sessionId)]);
  if (!enrolment) redirect("/security");
  const tf = t.twoFactor;
  const [first, second] = halves(enrolment.secretGrouped);
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
            steps={
              <li className="space-y-4">
                <StepHeading number={1}>{tf.scanStep}</StepHeading>
                <div className="flex flex-col gap-5 sm:flex-row sm:items-start">
                  {/* The escape hatch on purpose: the SVG is qrcode's drawing of the otpauth:// URI, paths only, nothing of the user's text. */}
                  <div
                    role="img"
                    aria-label={fill(tf.qrAlt, { email: enrolment.email })}
                    className="h-48 w-48 shrink-0 self-center rounded border border-slate-200 p-1 sm:self-start [&>svg]:h-full [&>svg]:w-full"
                    data-testid="qr-code"
                    dangerouslySetInnerHTML={innerHtml(trustedHtml(enrolment.qrSvg))}
                  />
                  <div className="min-w-0 space-y-2 text-sm text-slate-700">
                    <p>{tf.manualStep}</p>
                    {/* Two halves that each stay on one line: 4 + 4 groups on a phone, one line when there is room. */}
                    <p className="rounded border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-base text-slate-900" data-testid="totp-secret" aria-label={tf.key}>
                      <span className="whitespace-nowrap">{first}</span> <span className="whitespace-nowrap">{second}</span>
                    </p>
                    <p className="text-xs text-slate-500">{fill(tf.manualDetails, { email: enrolment.email })}</p>
                  </div>
                </div>
              </li>
            }
          />
        </section>
      </main>
    </div>
  );
}
