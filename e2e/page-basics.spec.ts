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

test("on a phone the header's links are behind Menu, which opens by keyboard and is closed on the next page", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await logIn(page, OWNER);
  const menu = page.getByTestId("menu-button");
  const reports = page.getByTestId("nav-reports");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(reports).toBeHidden();
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(reports).toBeVisible();
  const right = await page.getByRole("button", { name: "Log out" }).evaluate((b) => b.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(390);
  await reports.click();
  await expect(page).toHaveURL(/\/reports$/);
  await expect(page.getByTestId("menu-button")).toHaveAttribute("aria-expanded", "false");

  await page.setViewportSize({ width: 1280, height: 900 });
  await expect(page.getByTestId("menu-button")).toBeHidden();
  await expect(page.getByTestId("nav-reports")).toBeVisible();
});

test("printouts: a title block with the account, the period and the time printed; the by-code view open; the room's lines full width", async ({ page }) => {
  await logIn(page, OWNER);
  const month = previousMonth();
  await page.goto(`/account?period=${month.url}&sort=code`);
  await page.emulateMedia({ media: "print" });
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  const title = page.getByTestId("print-title");
  await expect(title).toBeVisible();
  await expect(title).toContainText("MeetingOne Phoenix — 602127");
  await expect(title).toContainText(`Account summary — ${month.label}`);
  await expect(title).toContainText(/Printed on \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} GMT/);
  // Every code printed open, with its rooms, and without the ▸ of the screen.
  const codes = page.locator("[data-testid=code-usage] details");
  expect(await codes.count()).toBeGreaterThan(1);
  for (const code of await codes.all()) await expect(code.locator("div a").first()).toBeVisible();
  await expect(page.locator("[data-testid=code-usage] summary [aria-hidden=true]").first()).toBeHidden();

  // The open month's room page: the selection's checkboxes are not printed, and the lines, the header
  // and the Total end at the same right edge.
  await page.emulateMedia({ media: "screen" });
  await page.goto("/rooms/332703");
  await expect(page.locator("input[name=conference]").first()).toBeVisible();
  await page.emulateMedia({ media: "print" });
  const edges = await page.getByTestId("conference-list").evaluate((table) => {
    const right = (row: Element | null) => Math.round(row!.lastElementChild!.getBoundingClientRect().right);
    return { table: Math.round(table.getBoundingClientRect().right), head: right(table.querySelector("thead tr")), line: right(table.querySelector("tbody tr")), total: right(table.querySelector("tfoot tr")) };
  });
  expect(edges.head).toBe(edges.table);
  expect(edges.line).toBe(edges.table);
  expect(edges.total).toBe(edges.table);
});
