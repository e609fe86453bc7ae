import { expect, test, type Page } from "@playwright/test";
import { appRoutes, routeUrl } from "../scripts/lib/app-routes";
import { LoginPage, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { SchedulesPage } from "./pages/schedules-page";
import { previousMonth } from "./support";

test.use({ locale: "en-US" });

/**
 * Every page of app/ (walked from the directory) in Chromium as the owner, the room holder and
 * a visitor, under the portal's Content-Security-Policy: each page is served with a nonce policy,
 * nothing is blocked (no inline script or style without the nonce), nothing fails in the console,
 * and the pages still work: they hydrate, client components answer, a server action runs.
 */
type Watch = { errors: { page: string; source: string; text: string }[]; expected404: Set<string> };

async function watch(page: Page): Promise<Watch> {
  const w: Watch = { errors: [], expected404: new Set() };
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
  });
  page.on("pageerror", (error) => w.errors.push({ page: page.url(), source: "", text: error.message }));
  page.on("console", (message) => {
    if (message.type() === "error") w.errors.push({ page: page.url(), source: message.location().url, text: message.text() });
  });
  return w;
}

/** The errors seen, but a page's own 404 (a room holder opening an owner's page) and the browser's look for /favicon.ico. */
const problems = (w: Watch) =>
  w.errors
    .filter((e) => !(/Failed to load resource: .* 404/.test(e.text) && (w.expected404.has(e.page) || w.expected404.has(e.source) || e.source.endsWith("/favicon.ico"))))
    .map((e) => `${e.page}: ${e.text}`);

/** Opens `path`, checks its policy, and lets it hydrate. */
async function visit(page: Page, w: Watch, path: string) {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  const status = response!.status();
  if (status === 404) w.expected404.add(response!.url());
  const policy = (await response!.allHeaders())["content-security-policy"] ?? "";
  expect(policy, `${path} (${status})`).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(policy, path).toContain("frame-ancestors 'none'");
  await page.waitForLoadState("networkidle");
  return status;
}

/** Every page's address with the demo's values for its dynamic segments. */
function pagePaths(ids: { conference: string; schedule: string }): string[] {
  const period = previousMonth().url;
  const extra: Record<string, string> = { "/account/conferences": `?period=${period}&code=`, "/reports": "?type=usage&range=past-12-months", "/unsubscribe": "?t=not-a-token" };
  return appRoutes()
    .filter((r) => r.kind === "page")
    .map((route) => {
      const path = routeUrl(route, (param) => (param === "number" ? "332703" : param === "id" ? (route.pattern.startsWith("/reports/schedules") ? ids.schedule : ids.conference) : "x"));
      return `${path}${extra[route.pattern] ?? ""}`;
    });
}

async function demoIds(page: Page): Promise<{ conference: string; schedule: string }> {
  await page.goto(`/rooms/332703?period=${previousMonth().url}`);
  const href = await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href");
  const conference = /conferences\/(\d+)/.exec(href ?? "")?.[1] ?? "1";
  // A schedule of the owner's, so its page is visited too.
  await page.goto("/reports/schedules/new");
  const schedules = new SchedulesPage(page);
  await schedules.fill({ name: "CSP check", emails: "csp@phoenix.example" });
  await schedules.save();
  await page.waitForURL(/\/reports\/schedules\/\d+/);
  return { conference, schedule: /schedules\/(\d+)/.exec(page.url())![1]! };
}

test("every page as the owner: a nonce policy, nothing blocked, no console error; client components and actions work", async ({ page }) => {
  const w = await watch(page);
  await visit(page, w, "/login");
  await new LoginPage(page).logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  const ids = await demoIds(page);
  for (const path of pagePaths(ids)) expect(await visit(page, w, path), path).toBeLessThan(400);

  // Hydrated under the policy: the report builder's picker answers a click, the report opens.
  await visit(page, w, "/reports");
  const picker = page.getByTestId("picker-cardholder");
  await picker.getByRole("button", { name: /Select all shown/ }).click();
  await expect(page.getByTestId("cardholder-count")).toHaveText(/\d+ selected/);
  await page.getByRole("radio", { name: /^Conference rooms/ }).check();
  await page.getByTestId("show-report").click();
  await expect(page.getByTestId("report")).toBeVisible();
  // A server action (the language switcher) posts and the page comes back in French, then English.
  await page.getByRole("button", { name: "fr", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Créer des rapports");
  await page.getByRole("button", { name: "en", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Create reports");
  expect(problems(w)).toEqual([]);
});

test("every page as the room holder and as a visitor: a nonce policy, nothing blocked, no console error", async ({ page, browser }) => {
  const w = await watch(page);
  await visit(page, w, "/login");
  await new LoginPage(page).logIn(ROOM_HOLDER);
  await expect(page).toHaveURL(/\/rooms\/332703$/);
  // The owner's pages answer 404 here; the room's own pages open.
  for (const path of pagePaths({ conference: "1", schedule: "1" })) await visit(page, w, path);
  await visit(page, w, `/rooms/332703?period=${previousMonth().url}`);
  await page.locator('a[href^="/rooms/332703/conferences/"]').first().click();
  await expect(page.getByTestId("billing-code-form").or(page.getByTestId("locked-reason")).first()).toBeVisible();
  expect(problems(w)).toEqual([]);

  const visitor = await browser.newPage();
  const v = await watch(visitor);
  for (const path of ["/login", "/unsubscribe?t=not-a-token", "/no-such-page"]) await visit(visitor, v, path);
  expect(problems(v)).toEqual([]);
  await visitor.close();
});
