import "server-only";
import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";
import { cookies, headers } from "next/headers";
import { locales, messages, type Locale, type Messages } from "./messages";

export const LOCALE_COOKIE = "lang";

export const isLocale = (value: string | undefined): value is Locale => locales.includes(value as Locale);

/** The UI language: the switcher's cookie, else the browser's preference, else English. */
export async function getLocale(): Promise<Locale> {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  if (isLocale(chosen)) return chosen;
  const acceptLanguage = (await headers()).get("accept-language") ?? "";
  const requested = new Negotiator({ headers: { "accept-language": acceptLanguage } }).languages();
  try {
    return match(requested, locales, "en") as Locale;
  } catch {
    return "en"; // a malformed Accept-Language header
  }
}

export async function getMessages(): Promise<{ locale: Locale; t: Messages }> {
  const locale = await getLocale();
  return { locale, t: messages[locale] };
}
