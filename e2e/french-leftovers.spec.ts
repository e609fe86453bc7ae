import { expect, test, type Page } from "@playwright/test";
import { messages } from "../lib/i18n/messages";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { SchedulesPage } from "./pages/schedules-page";
import { previousMonth } from "./support";

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
async function leftovers(page: Page, pages: [string, string][]): Promise<string[]> {
  await page.context().addCookies([{ name: "lang", value: "fr", domain: "localhost", path: "/" }]);
  const found: string[] = [];
  for (const [name, url] of pages) {
    await page.goto(url);
    const text = withoutSame(await visibleText(page));
    for (const { phrase, re } of FINDERS) if (re.test(text)) found.push(`${name}: ${phrase}`);
  }
  return found;
}

/** A schedule with a run in its history, made through the form (in English, before French is chosen). */
async function aSchedule(page: Page): Promise<string> {
  const schedules = new SchedulesPage(page);
  await page.goto("/reports/schedules/new");
  await schedules.fill({ name: "Relevé hebdomadaire", report: "User status", frequency: "weekly", time: "07:30", range: "previous-week", format: "xlsx", emails: "lecteur@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+/);
  await page.getByTestId("send-now").click();
  await expect(schedules.latestRunStatus()).toContainText(/Delivered|Sending|Waiting|Failed/);
  return new URL(page.url()).pathname;
}

test("no English is left on the owner's pages in French", async ({ page }) => {
  test.setTimeout(300_000);
  await logIn(page, OWNER);
  const month = previousMonth().url;
  await page.goto(`/rooms/332703?period=${month}`);
  const conference = await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href");
  const reports = new ReportsPage(page);
  await reports.open();
  await reports.chooseType("Conference rooms");
  await reports.chooseRange("Past 12 months");
  await reports.show();
  await expect(reports.table).toBeVisible();
  const report = new URL(page.url()).pathname + new URL(page.url()).search;
  const schedule = await aSchedule(page);
  const found = await leftovers(page, [
    ["account", "/account"],
    ["account, previous month", `/account?period=${month}`],
    ["account by code", `/account?period=${month}&sort=code`],
    ["unallocated conferences", `/account/conferences?period=${month}`],
    ["clean-up", "/account/unallocated"],
    ["room", `/rooms/332703?period=${month}`],
    ["conference", conference!],
    ["auto code", "/rooms/332703/auto-code"],
    ["reports", "/reports"],
    ["report", report],
    ["phone rates", "/reports?type=phone-numbers"],
    ["report out of range", "/reports?type=usage&range=custom&from=2020-01-01&to=2020-02-01"],
    ["schedules", "/reports/schedules"],
    ["new schedule", "/reports/schedules/new"],
    ["schedule", schedule],
    ["sessions", "/sessions"],
    ["security", "/security"],
    ["not found", "/rooms/999999"],
  ]);
  expect(found).toEqual([]);
});

test("no English is left on the room holder's pages, nor on the public ones, in French", async ({ page }) => {
  await page.goto("/login");
  const publicPages = await leftovers(page, [
    ["login", "/login"],
    ["unsubscribe", "/unsubscribe?t=expired"],
  ]);
  await page.context().clearCookies();
  await logIn(page, ROOM_HOLDER);
  const month = previousMonth().url;
  await page.goto(`/rooms/332703?period=${month}`);
  const conference = await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href");
  const holderPages = await leftovers(page, [
    ["room", "/rooms/332703"],
    ["room, previous month", `/rooms/332703?period=${month}`],
    ["conference", conference!],
    ["sessions", "/sessions"],
  ]);
  expect([...publicPages, ...holderPages]).toEqual([]);
});

test("the list of English phrases is the real one: it finds English on an English page", async ({ page }) => {
  expect(ENGLISH.length).toBeGreaterThan(200);
  await page.goto("/login");
  const text = await visibleText(page);
  expect(FINDERS.filter(({ re }) => re.test(text)).length).toBeGreaterThan(3);
});
