import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { holderPages, ownerPages, PUBLIC_PAGES, type PageVisit } from "./pages/every-page";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { screenshot } from "./support";

test.use({ locale: "en-US" });

const WIDTHS = [360, 390, 768, 1280];
const LANGUAGES = ["en", "fr"] as const;

type Finding = { page: string; lang: string; width?: number; problem: string };

/** Opens every page in both languages: the page is never wider than the window, and axe finds nothing. */
async function audit(page: Page, who: string, pages: PageVisit[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const lang of LANGUAGES) {
    await page.context().addCookies([{ name: "lang", value: lang, domain: "localhost", path: "/" }]);
    for (const [name, url] of pages) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(url);
      const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
      for (const label of await sameNamesElsewhere(page)) findings.push({ page: `${who} ${name}`, lang, problem: `links named "${label}" lead to different places` });
      for (const v of axe.violations) findings.push({ page: `${who} ${name}`, lang, problem: `axe ${v.id} (${v.nodes.length}): ${v.nodes[0]?.target.join(" ")}` });
      const measured: number[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 844 });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        measured.push(wide);
        if (wide > width) findings.push({ page: `${who} ${name}`, lang, width, problem: `page ${wide} px wide` });
        // A table may scroll inside its frame, but its last column (the charge) stays in sight.
        const lastColumns = await page.locator("main table:visible").evaluateAll((all) =>
          all.map((t) => t.querySelector("tr:last-child > :last-child")?.getBoundingClientRect()).map((r) => (r && r.width > 0 ? Math.round(r.right) : 0)),
        );
        for (const right of lastColumns) if (right > width) findings.push({ page: `${who} ${name}`, lang, width, problem: `a table's last column ends at ${right} px` });
        if (width === 390 || width === 1280) await screenshot(page, `every-page/${who}-${name}-${lang}-${width}`);
      }
      console.log(`${who} ${name} [${lang}]: page width ${measured.join(" / ")} px in windows of ${WIDTHS.join(" / ")} px; axe: ${axe.violations.length} violations`);
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
  const publicFindings = await audit(page, "public", PUBLIC_PAGES);
  await logIn(page, ROOM_HOLDER);
  const findings = await audit(page, "holder", await holderPages(page));
  expect(report([...publicFindings, ...findings])).toEqual([]);
});
