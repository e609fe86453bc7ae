import { PublicPage } from "@/components/public-page";
import { UnsubscribeForm } from "@/components/unsubscribe-form";
import { getUnsubscribeAccount } from "@/lib/data/schedules";
import { confirmUnsubscribe } from "@/lib/actions/unsubscribe";
import { loadEnv } from "@/lib/env";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { readUnsubscribeToken } from "@/lib/schedules/unsubscribe";
import { first, type SearchParams } from "@/lib/search-params";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.unsubscribe.title]);

/**
 * The visible unsubscribe link of every scheduled-report e-mail: no login. Opening it changes
 * nothing (mail scanners open links); the button does.
 */
export default async function UnsubscribePage({ searchParams }: { searchParams: SearchParams }) {
  const token = first((await searchParams).t) ?? "";
  const { locale, t } = await getMessages();
  const target = readUnsubscribeToken(loadEnv().encryptionKey, token);
  const account = target ? await getUnsubscribeAccount(target.accountId) : undefined;
  const who = account ? `${account.companyName} (${account.number})` : "";
  const labels = { button: t.unsubscribe.button, done: fill(t.unsubscribe.done, { address: target?.email ?? "", account: who }), invalid: t.unsubscribe.invalid };
  return (
    <PublicPage locale={locale} t={t} width="lg">
      <h1 className="text-xl font-semibold text-brand-900">{t.unsubscribe.title}</h1>
      {target && account ? (
        <>
          <p className="mb-6 mt-2 text-slate-700">{fill(t.unsubscribe.question, { address: target.email, account: who })}</p>
          <UnsubscribeForm action={confirmUnsubscribe.bind(null, token)} labels={labels} />
        </>
      ) : (
        <p className="mt-2 text-red-800" data-testid="unsubscribe-result">
          {t.unsubscribe.invalid}
        </p>
      )}
    </PublicPage>
  );
}
