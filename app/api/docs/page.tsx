import { ApiReference } from "@/components/api-reference";
import { PublicHeader } from "@/components/public-page";
import { getMessages } from "@/lib/i18n/locale";
import { fill } from "@/lib/i18n/messages";
import { pageTitle } from "@/lib/i18n/page-title";
import { apiReference } from "@/lib/usage-api/reference";

export const generateMetadata = () => pageTitle((t) => [t.apiDocs.title]);

/** The API's reference, read from the OpenAPI document the API serves: public, no data, no script. */
export default async function ApiDocsPage() {
  const { locale, t } = await getMessages();
  const reference = apiReference();
  return (
    <div className="flex min-h-screen flex-col">
      <PublicHeader locale={locale} t={t} />
      <main id="main" className="mx-auto w-full max-w-5xl space-y-6 px-4 py-8 sm:px-6">
        <div className="space-y-2">
          <h1 className="text-2xl font-semibold text-brand-900">{t.apiDocs.title}</h1>
          <p className="text-sm text-slate-700">{fill(t.apiDocs.intro, { url: "/api/v1/openapi.json" })}</p>
          <p className="text-sm text-slate-700" lang="en">{reference.description}</p>
          <a href="/api/v1/openapi.json" className="inline-block text-sm font-semibold text-brand-700 underline hover:text-brand-900">openapi.json</a>
        </div>
        <div lang="en">
          <ApiReference operations={reference.operations} schemas={reference.schemas} labels={t.apiDocs} />
        </div>
      </main>
    </div>
  );
}
