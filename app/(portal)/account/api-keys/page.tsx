import { ApiKeyForm } from "@/components/api-key-form";
import { ApiKeyList } from "@/components/api-key-list";
import { createApiKeyAction, revokeApiKeyAction } from "@/lib/actions/api-keys";
import { requireOwner } from "@/lib/auth/session";
import { getAccount } from "@/lib/data/account";
import { listApiKeys } from "@/lib/data/api-keys";
import { formatDateTime } from "@/lib/format";
import { getMessages } from "@/lib/i18n/locale";
import { pageTitle } from "@/lib/i18n/page-title";

export const generateMetadata = () => pageTitle((t) => [t.apiKeys.title]);

/** The owner's read-only keys of the usage API: make one (shown once), see when each was last used, revoke. */
export default async function ApiKeysPage() {
  const { scope } = await requireOwner();
  const [{ t }, account, keys] = await Promise.all([getMessages(), getAccount(scope), listApiKeys(scope)]);
  const k = t.apiKeys;
  const when = (d: Date) => formatDateTime(d, account.timeZone, account.locale);
  const card = "space-y-4 rounded-lg border border-slate-200 bg-white p-5";
  return (
    <div className="max-w-4xl space-y-6">
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold text-brand-900">{k.title}</h1>
        <p className="text-sm text-slate-600">{k.intro}</p>
        <a href="/api/docs" className="inline-block text-sm font-semibold text-brand-700 underline hover:text-brand-900" data-testid="api-docs-link">
          {k.reference}
        </a>
      </div>
      <section className={card} aria-labelledby="create-key-title">
        <h2 id="create-key-title" className="text-lg font-semibold text-brand-900">
          {k.create}
        </h2>
        <ApiKeyForm action={createApiKeyAction} labels={{ name: k.name, nameHint: k.nameHint, create: k.create, creating: k.creating, secretTitle: k.secretTitle, secretIntro: k.secretIntro, copyHint: k.copyHint }} />
      </section>
      <section className={card} aria-labelledby="key-list-title">
        <h2 id="key-list-title" className="text-lg font-semibold text-brand-900">
          {k.list}
        </h2>
        <ApiKeyList keys={keys.map((key) => ({ ...key, created: when(key.createdAt), lastUsed: key.lastUsedAt && when(key.lastUsedAt), revoked: key.revokedAt && when(key.revokedAt) }))} revoke={revokeApiKeyAction} t={t} />
      </section>
    </div>
  );
}
