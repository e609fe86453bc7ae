import Link from "next/link";
import { getMessages } from "@/lib/i18n/locale";

export default async function NotFound() {
  const { t } = await getMessages();
  return (
    <main className="mx-auto max-w-xl px-6 py-20 text-center">
      <p className="text-6xl font-bold text-brand-700">404</p>
      <h1 className="mt-4 text-2xl font-semibold text-brand-900">{t.notFound.title}</h1>
      <p className="mt-2 text-slate-600">{t.notFound.text}</p>
      <Link href="/" className="mt-6 inline-block rounded bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-900">
        {t.notFound.back}
      </Link>
    </main>
  );
}
