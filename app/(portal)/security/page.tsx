import { ApiKeysLink } from "@/components/api-keys-link";
import { CodeActionForm } from "@/components/two-factor-forms";
import { disableTwoFactorAction, replaceRecoveryCodesAction } from "@/lib/actions/two-factor";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { getTwoFactorStatus } from "@/lib/data/two-factor";
import { formatLocalDate } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { pageTitle } from "@/lib/i18n/page-title";


export const generateMetadata = () => pageTitle((t) => [t.twoFactor.title]);

/** The owner's second factor: set it up, or turn it off and renew recovery codes with a current code. */
export default async function SecurityPage() {
  const { scope } = await requireOwner();
  const [{ t }, account, status] = await Promise.all([getMessages(), getAccount(scope), getTwoFactorStatus(scope)]);
  const tf = t.twoFactor;
  const recovery = { title: tf.recoveryTitle, intro: tf.recoveryIntro, print: tf.print };
  const card = "space-y-3 rounded-lg border border-slate-200 bg-white p-5";
  return (
    <div className="max-w-3xl space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold text-brand-900">{tf.title}</h1>
        <p className="text-sm text-slate-600">{tf.setupIntro}</p>
      </div>
      <section className={card} aria-label={tf.title} data-testid="two-factor-status">
        {status.enrolled ? (
          <>
            <p className="flex items-center gap-2 font-medium text-slate-900">
              <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs font-semibold uppercase text-emerald-900">✓</span>
              {fill(tf.statusOn, { date: formatLocalDate(status.enabledAt!, account.timeZone, account.locale) })}
            </p>
            <p className="text-sm text-slate-700">{status.recoveryCodesLeft > 0 ? fill(tf.recoveryLeft, { count: status.recoveryCodesLeft }) : tf.recoveryNoneLeft}</p>
            {status.required && <p className="text-sm text-slate-700">{tf.required}</p>}
          </>
        ) : (
          <>
            <p className="font-medium text-slate-900">{tf.statusOff}</p>
            <a href="/two-factor" className="inline-block rounded bg-brand-700 px-4 py-2.5 font-semibold text-white shadow hover:bg-brand-900" data-testid="set-up">
              {tf.setUp}
            </a>
          </>
        )}
      </section>
      {status.enrolled && (
        <section className={card} aria-labelledby="new-codes-title">
          <h2 id="new-codes-title" className="text-lg font-semibold text-brand-900">
            {tf.newCodesTitle}
          </h2>
          <p className="text-sm text-slate-600">{tf.newCodesIntro}</p>
          <CodeActionForm id="new-codes" action={replaceRecoveryCodesAction} labels={{ code: tf.codeOrRecovery, submit: tf.newCodes, submitting: tf.confirming }} recovery={recovery} />
        </section>
      )}
      {status.enrolled && !status.required && (
        <section className={card} aria-labelledby="turn-off-title">
          <h2 id="turn-off-title" className="text-lg font-semibold text-brand-900">
            {tf.turnOffTitle}
          </h2>
          <p className="text-sm text-slate-600">{tf.turnOffIntro}</p>
          <CodeActionForm id="turn-off" action={disableTwoFactorAction} labels={{ code: tf.codeOrRecovery, submit: tf.turnOff, submitting: tf.confirming }} danger />
        </section>
      )}
      <ApiKeysLink t={t} />
    </div>
  );
}
