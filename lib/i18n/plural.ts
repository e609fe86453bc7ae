/**
 * Words that change with a count ("1 conference", "2 conferences"; French "0 conférence"), chosen
 * by the language's plural rules, never written "conference(s)". Plain TypeScript: the browser
 * uses it too.
 */
import { formatCount } from "@/lib/format";
import { fill } from "./messages";

/** A message in the forms the UI's languages need: English and French have "one" and "other". */
export type Plural = { one: string; other: string };

const rules = new Map<string, Intl.PluralRules>();

/**
 * `forms` for `n` by `lang`'s rules (French counts 0 and 1 as "one"), its placeholders filled and
 * `{count}` written in `numberLocale`'s digits (the account's: "5 675", "5,675").
 */
export function plural(lang: string, n: number, forms: Plural, values: Record<string, string | number> = {}, numberLocale: string = lang): string {
  let rule = rules.get(lang);
  if (!rule) rules.set(lang, (rule = new Intl.PluralRules(lang)));
  return fill(rule.select(n) === "one" ? forms.one : forms.other, { ...values, count: formatCount(n, numberLocale) });
}
