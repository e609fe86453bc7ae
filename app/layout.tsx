import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getMessages } from "@/lib/i18n/locale";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getMessages();
  // A page's own title comes first (`lib/i18n/page-title.ts`); a page without one is the product's.
  return { title: { default: `${t.provider} — ${t.productName}`, template: `%s — ${t.provider}` } };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const { locale } = await getMessages();
  return (
    <html lang={locale}>
      <body id="top" className="min-h-screen">
        {children}
      </body>
    </html>
  );
}
