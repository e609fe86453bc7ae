import type { Messages } from "@/lib/i18n/messages";

/** The way to the owner's API keys page, from the owner's security and sessions pages. */
export function ApiKeysLink({ t }: { t: Messages }) {
  return (
    <section className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white px-4 py-4 sm:flex-row sm:items-center sm:justify-between" aria-labelledby="api-keys-title">
      <div className="space-y-1">
        <h2 id="api-keys-title" className="font-semibold text-slate-900">
          {t.apiKeys.title}
        </h2>
        <p className="max-w-2xl text-sm text-slate-600">{t.apiKeys.intro}</p>
      </div>
      <a href="/account/api-keys" className="self-start whitespace-nowrap rounded bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-900 sm:self-center" data-testid="manage-api-keys">
        {t.apiKeys.nav}
      </a>
    </section>
  );
}
