import { expect, test, type Page } from "@playwright/test";
import { LoginPage, logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { previousMonth } from "./support";

test.use({ locale: "en-US" });

/** Every address the login form's browser commits from the moment it is sent. */
function committedUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("framenavigated", (frame) => frame === page.mainFrame() && urls.push(new URL(frame.url()).pathname));
  return urls;
}

test("logging in lands on the user's own page directly, with no stop at /", async ({ page }) => {
  for (const [who, home] of [
    [OWNER, "/account"],
    [ROOM_HOLDER, "/rooms/332703"],
  ] as const) {
    await page.context().clearCookies();
    const login = new LoginPage(page);
    await login.open();
    const urls = committedUrls(page);
    await login.logIn(who);
    await expect(page).toHaveURL(new RegExp(`${home}$`));
    expect(urls, who.username).not.toContain("/");
    expect(urls.at(-1)).toBe(home);
  }
});

test("every page has its own title, in the UI's language", async ({ page }) => {
  await logIn(page, OWNER);
  const month = previousMonth();
  const pages = ["/account", `/account?period=${month.url}`, "/account/unallocated", `/rooms/332703?period=${month.url}`, "/reports", "/reports/schedules", "/reports/schedules/new", "/sessions", "/security"];
  const titles = async () => {
    const seen: string[] = [];
    for (const url of pages) {
      await page.goto(url);
      seen.push(await page.title());
    }
    return seen;
  };
  const english = await titles();
  expect(new Set(english).size, english.join(" | ")).toBe(pages.length);
  for (const title of english) expect(title).toMatch(/ — MeetingOne$/);
  expect(english[1]).toBe(`Account summary — ${month.label} — MeetingOne`);
  expect(english[3]).toBe(`Room 33 270 3 — ${month.label} — MeetingOne`);
  expect(english[4]).toBe("Create reports — MeetingOne");

  await page.context().addCookies([{ name: "lang", value: "fr", url: page.url() }]);
  const french = await titles();
  // After "—" the month is mid-sentence: French writes it in lower case.
  const frenchMonth = previousMonth("fr").label.toLocaleLowerCase("fr");
  expect(french[1]).toBe(`Résumé du compte — ${frenchMonth} — MeetingOne`);
  expect(french[3]).toBe(`Salle 33 270 3 — ${frenchMonth} — MeetingOne`);
  expect(french[4]).toBe("Créer des rapports — MeetingOne");
  english.forEach((title, i) => expect(french[i], pages[i]).not.toBe(title));
});

test("keyboard: the first Tab offers to skip to the content; Download is named without its arrow; the portal has an icon", async ({ page }) => {
  await logIn(page, OWNER);
  await page.goto(`/account?period=${previousMonth().url}`);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();

  await expect(page.getByRole("link", { name: "Download", exact: true })).toBeVisible();

  // The billing period by keyboard: the arrow keys go through the months without leaving the page; Enter shows the one chosen.
  const address = page.url();
  await page.locator("select#period").focus();
  await page.keyboard.press("ArrowUp");
  await page.waitForTimeout(500);
  expect(page.url(), "an arrow key does not leave the page").toBe(address);
  const chosen = await page.locator("select#period").inputValue();
  expect(address).not.toContain(`period=${chosen}`);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`period=${chosen}`));

  const icon = await page.locator("link[rel=icon]").first().getAttribute("href");
  expect(icon).toBeTruthy();
  const response = await page.request.get(icon!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("image/svg+xml");
});

test("a long report's pager: page numbers, the current one marked, and Go to page, in the account's number style", async ({ page }) => {
  await logIn(page, OWNER);
  await page.goto("/reports?type=participation&range=past-12-months");
  const pager = page.getByTestId("pager").first();
  const [, count] = /of ([\d\s\u202f\u00a0,]+)$/.exec((await pager.locator("span").first().innerText()).trim())!;
  const lines = Number(count!.replace(/\D/g, ""));
  const pages = Math.ceil(lines / 50);
  expect(pages).toBeGreaterThan(10);
  await expect(pager.locator("[aria-current=page]")).toHaveText(/1$/);
  const last = new Intl.NumberFormat("fr-FR").format(pages); // the demo account writes numbers the French way
  await expect(pager.getByRole("link", { name: `Page ${last}`, exact: true })).toBeVisible();
  await expect(pager.getByRole("link", { name: "Page 2", exact: true })).toBeVisible();

  // Go to page: the report's own filters kept, the last page shown.
  const goTo = pager.getByTestId("go-to-page");
  await goTo.getByLabel("Go to page").fill(String(pages));
  await goTo.getByRole("button", { name: "Go" }).press("Enter");
  await expect(page).toHaveURL(new RegExp(`type=participation.*range=past-12-months.*page=${pages}$|page=${pages}.*type=participation`));
  await expect(page.getByTestId("pager").first().locator("[aria-current=page]")).toHaveText(new RegExp(`${last.replace(/\s/g, "\\s")}$`));
  await expect(page.getByTestId("pager").first().locator("span").first()).toHaveText(new RegExp(`–${count!.trim().replace(/\s/g, "\\s")} of ${count!.trim().replace(/\s/g, "\\s")}$`));
});
