import { expect, test, type Browser, type Page } from "@playwright/test";
import { LoginPage, OWNER } from "./pages/login-page";
import { screenshot } from "./support";

async function loggedIn(browser: Browser, userAgent?: string): Promise<Page> {
  const page = await (await browser.newContext({ userAgent })).newPage();
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account/);
  return page;
}

test("an owner sees where they are logged in and ends the session they do not recognise", async ({ browser }) => {
  const other = await loggedIn(browser, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0");
  const mine = await loggedIn(browser);
  await mine.getByTestId("nav-sessions").click();
  await expect(mine.getByRole("heading", { name: "Your sessions" })).toBeVisible();
  const sessions = mine.getByTestId("session");
  await expect(sessions.filter({ hasText: "This browser" })).toHaveCount(1);
  await expect(sessions.filter({ hasText: "Microsoft Edge 131 · Windows" })).toHaveCount(1);
  await screenshot(mine, "sessions");

  await sessions.filter({ hasText: "Microsoft Edge" }).getByTestId("end-session").click();
  await expect(sessions.filter({ hasText: "Microsoft Edge" })).toHaveCount(0);

  // The ended session's browser is back at the login page; this one goes on.
  await other.goto("/account");
  await expect(other).toHaveURL(/\/login/);
  await mine.goto("/account");
  await expect(mine).toHaveURL(/\/account/);
});

test("logging out ends the session in the browser", async ({ browser }) => {
  const page = await loggedIn(browser);
  const cookies = await page.context().cookies();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  // The cookie kept from before logging out opens nothing.
  const thief = await browser.newContext();
  await thief.addCookies(cookies);
  const stolen = await thief.newPage();
  await stolen.goto("/account");
  await expect(stolen).toHaveURL(/\/login/);
});
