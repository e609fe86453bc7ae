import type { Metadata } from "next";
import { fromUrlPeriod, periodInSentence } from "@/lib/periods";
import { first, type SearchParams } from "@/lib/search-params";
import { getMessages } from "./locale";
import type { Locale, Messages } from "./messages";

type Words = (string | null | undefined)[];

/**
 * A page's `<title>` in the UI's language: its own words, most specific first (the root layout adds
 * " — MeetingOne"), so that tabs, history and bookmarks tell the pages apart.
 */
export async function pageTitle(words: (t: Messages, locale: Locale) => Words | Promise<Words>): Promise<Metadata> {
  const { t, locale } = await getMessages();
  return { title: (await words(t, locale)).filter(Boolean).join(" — ") };
}

/** The billing period the address names, for a title after its page's words ("November 2026", "novembre 2026"); none when it names none. */
export async function periodWords(searchParams: SearchParams, locale: Locale): Promise<string | undefined> {
  const period = fromUrlPeriod(first((await searchParams).period));
  return period && periodInSentence(period, locale);
}
