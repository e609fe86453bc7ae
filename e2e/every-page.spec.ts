import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { SchedulesPage } from "./pages/schedules-page";
import { previousMonth, screenshot } from "./support";

test.use({ locale: "en-US" });

const WIDTHS = [360, 390, 768, 1280];
const LANGUAGES = ["en", "fr"] as const;

type Finding = { page: string; lang: string; width?: number; problem: string };

/** The pages a user reaches, each with a short name for the screenshots. */
async function ownerPages(page: Page): Promise<[string, string][]> {
  const month = previousMonth().url;
  await page.goto(`/rooms/332703?period=${month}`);
  const conference = await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href");
  const reports = new ReportsPage(page);
  await reports.open();
  await reports.chooseType("Conference rooms");
  await reports.chooseRange("Past 12 months");
  await reports.selectMatching("cardholder", "marilene");
  await reports.show();
  await expect(reports.table).toBeVisible();
  const report = new URL(page.url()).pathname + new URL(page.url()).search;
  const schedule = await aSchedule(page);
  return [
    ["account-open", "/account"],
    ["account", `/account?period=${month}`],
    ["account-by-code", `/account?period=${month}&sort=code`],
    ["account-conferences", `/account/conferences?period=${month}`],
    ["cleanup", "/account/unallocated"],
    ["room", `/rooms/332703?period=${month}`],
    ["conference", conference!],
    ["auto-code", "/rooms/332703/auto-code"],
    ["reports", "/reports"],
    ["report", report],
    ["schedules", "/reports/schedules"],
    ["schedule-new", "/reports/schedules/new"],
    ["schedule", schedule],
    ["sessions", "/sessions"],
    ["security", "/security"],
    ["not-found", "/rooms/999999"],
  ];
}

/** A schedule with a delivery in its history, created through the form. */
async function aSchedule(page: Page): Promise<string> {
  await page.goto("/reports/schedules");
  const existing = page.locator('a[href^="/reports/schedules/"]:not([href$="/new"])').first();
  if (await existing.count()) return (await existing.getAttribute("href"))!;
  const schedules = new SchedulesPage(page);
  await page.goto("/reports/schedules/new");
  await schedules.fill({ name: "Every page", report: "User status", frequency: "weekly", time: "07:30", range: "previous-week", format: "xlsx", emails: "reader@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+/);
  await page.getByTestId("send-now").click();
  await expect(schedules.latestRunStatus()).toContainText(/Delivered|Sending|Waiting/);
  return new URL(page.url()).pathname;
}

/** Opens every page in both languages: the page is never wider than the window, and axe finds nothing. */
async function audit(page: Page, who: string, pages: [string, string][]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const lang of LANGUAGES) {
    await page.context().addCookies([{ name: "lang", value: lang, domain: "localhost", path: "/" }]);
    for (const [name, url] of pages) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(url);
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      for (const label of await sameNamesElsewhere(page)) findings.push({ page: `${who} ${name}`, lang, problem: `links named "${label}" lead to different places` });
      for (const v of axe.violations) findings.push({ page: `${who} ${name}`, lang, problem: `axe ${v.id} (${v.nodes.length}): ${v.nodes[0]?.target.join(" ")}` });
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 844 });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > width) findings.push({ page: `${who} ${name}`, lang, width, problem: `page ${wide} px wide` });
        // A table may scroll inside its frame, but its last column (the charge) stays in sight.
        const lastColumns = await page.locator("main table:visible").evaluateAll((all) =>
          all.map((t) => t.querySelector("tr:last-child > :last-child")?.getBoundingClientRect()).map((r) => (r && r.width > 0 ? Math.round(r.right) : 0)),
        );
        for (const right of lastColumns) if (right > width) findings.push({ page: `${who} ${name}`, lang, width, problem: `a table's last column ends at ${right} px` });
        if (width === 390 || width === 1280) await screenshot(page, `every-page/${who}-${name}-${lang}-${width}`);
      }
    }
  }
  return findings;
}

/** Link names given to more than one destination: a screen reader's list of links could not tell them apart. */
async function sameNamesElsewhere(page: Page): Promise<string[]> {
  const links = await page.locator("a[href]:visible").evaluateAll((all) =>
    all.map((a) => ({ name: (a.getAttribute("aria-label") ?? (a as HTMLElement).innerText).replace(/\s+/g, " ").trim(), href: a.getAttribute("href")! })),
  );
  const places = new Map<string, Set<string>>();
  for (const { name, href } of links) places.set(name, (places.get(name) ?? new Set()).add(href));
  return [...places].filter(([, hrefs]) => hrefs.size > 1).map(([name]) => name);
}

function report(findings: Finding[]) {
  for (const f of findings) console.log(`${f.page} [${f.lang}${f.width ? ` ${f.width}px` : ""}] ${f.problem}`);
  return findings.map((f) => `${f.page} [${f.lang}${f.width ? ` ${f.width}px` : ""}] ${f.problem}`);
}

test("every page of the owner fits 360–1280 px in English and French, and axe finds no WCAG 2.2 AA violation", async ({ page }) => {
  test.setTimeout(600_000);
  await logIn(page, OWNER);
  const findings = await audit(page, "owner", await ownerPages(page));
  expect(report(findings)).toEqual([]);
});

test("every page of the room holder, and the public pages, fit 360–1280 px and pass axe", async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto("/login");
  const publicFindings = await audit(page, "public", [
    ["login", "/login"],
    ["unsubscribe", "/unsubscribe?t=expired"],
  ]);
  await logIn(page, ROOM_HOLDER);
  await page.goto(`/rooms/332703?period=${previousMonth().url}`);
  const conference = await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href");
  const findings = await audit(page, "holder", [
    ["room-open", "/rooms/332703"],
    ["room", `/rooms/332703?period=${previousMonth().url}`],
    ["conference", conference!],
    ["sessions", "/sessions"],
    ["security", "/security"],
  ]);
  expect(report([...publicFindings, ...findings])).toEqual([]);
});
