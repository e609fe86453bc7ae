"use server";

import { cookies } from "next/headers";
import { isLocale, LOCALE_COOKIE } from "./locale";

/** The language switcher: remembers the choice for a year. Unknown values are ignored. */
export async function setLanguage(formData: FormData): Promise<void> {
  const lang = formData instanceof FormData ? String(formData.get("lang") ?? "") : "";
  if (!isLocale(lang)) return;
  (await cookies()).set(LOCALE_COOKIE, lang, { path: "/", maxAge: 365 * 86400, sameSite: "lax" });
}
