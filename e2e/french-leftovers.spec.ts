import { expect, test, type Page } from "@playwright/test";
import { messages } from "../lib/i18n/messages";
import { holderPages, ownerPages, PUBLIC_PAGES, type PageVisit } from "./pages/every-page";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";

/** Every string of a messages object with its key path. */
function* strings(value: unknown, path = ""): Generator<[string, string]> {
  if (typeof value === "string") yield [path, value];
  else if (value && typeof value === "object") for (const [key, inner] of Object.entries(value)) yield* strings(inner, path ? `${path}.${key}` : key);
}

const french = new Map(strings(messages.fr));
/** Names that are the same in every language. */
const BRANDS = new Set([messages.en.provider, "SFTP", "FTPS", "FTP", "SMTP", "CSV", "Excel", "HTML", "GMT"]);

/** A real phrase: two words or more, or a word of six letters or more; no number, address or brand. */
const isPhrase = (text: string) => !BRANDS.has(text) && !/@|^\d|^[\d\s.,:–-]+$/.test(text) && (text.split(/\s+/).length >= 2 || /\p{L}{6,}/u.test(text));

/**
 * The English phrases a French page must not show: every English message that French words
 * differently, its placeholders cut out (each piece between them is looked for on its own).
 */
const ENGLISH = [
  ...new Set(
    [...strings(messages.en)]
      .filter(([key, text]) => french.get(key) !== text)
      .flatMap(([, text]) => text.split(/\{\w+\}/))
      .map((piece) => piece.replace(/^[\s.,:;()“”"·–—-]+|[\s.,:;()“”"·–—-]+$/g, ""))
      .filter(isPhrase),
  ),
];
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const FINDERS = ENGLISH.map((phrase) => ({ phrase, re: new RegExp(`(?<![\\p{L}\\p{N}'’])${escape(phrase)}(?![\\p{L}\\p{N}'’])`, "u") }));
/** Words French keeps as English (the product's name, "Online Account Information"): taken out before looking. */
const SAME = [...strings(messages.en)].filter(([key, text]) => french.get(key) === text && text.length >= 6).map(([, text]) => text).sort((a, b) => b.length - a.length);
const withoutSame = (text: string) => SAME.reduce((rest, same) => rest.replaceAll(same, " "), text);

/** What a person reads or hears on the page: its text, title, and the names, hints and values of its controls. */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const attributes = [...document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")].flatMap((el) => ["aria-label", "placeholder", "title", "alt"].map((a) => el.getAttribute(a) ?? ""));
    const values = [...document.querySelectorAll<HTMLInputElement>('input[type="submit"], input[type="button"], button[value]')].map((el) => el.value);
    return [document.title, document.body.innerText, ...attributes, ...values].join("\n");
  });
}

/** The English phrases found on each page, as "page: phrase". */
async function leftovers(page: Page, pages: PageVisit[]): Promise<string[]> {
  await page.context().addCookies([{ name: "lang", value: "fr", domain: "localhost", path: "/" }]);
  const found: string[] = [];
  for (const [name, url] of pages) {
    await page.goto(url);
    const text = withoutSame(await visibleText(page));
    for (const { phrase, re } of FINDERS) if (re.test(text)) found.push(`${name}: ${phrase}`);
  }
  return found;
}

test("no English is left on the owner's pages in French", async ({ page }) => {
  test.setTimeout(300_000);
  await logIn(page, OWNER);
  const found = await leftovers(page, await ownerPages(page));
  expect(found).toEqual([]);
});

test("no English is left on the room holder's pages, nor on the public ones, in French", async ({ page }) => {
  await page.goto("/login");
  const publicFound = await leftovers(page, PUBLIC_PAGES);
  await page.context().clearCookies();
  await logIn(page, ROOM_HOLDER);
  const holderFound = await leftovers(page, await holderPages(page));
  expect([...publicFound, ...holderFound]).toEqual([]);
});

test("the list of English phrases is the real one: it finds English on an English page", async ({ page }) => {
  expect(ENGLISH.length).toBeGreaterThan(200);
  await page.goto("/login");
  const text = await visibleText(page);
  expect(FINDERS.filter(({ re }) => re.test(text)).length).toBeGreaterThan(3);
});
