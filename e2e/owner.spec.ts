import { expect, test } from "@playwright/test";
import { UsagePage } from "./pages/account-page";
import { LoginPage, OWNER } from "./pages/login-page";
import { previousMonth, screenshot } from "./support";

test.use({ locale: "en-US" });

test("the owner sees the seed's table for the previous month, then all rooms", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await screenshot(page, "login-en");
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);

  const usage = new UsagePage(page);
  const previous = previousMonth("en");
  await usage.choosePeriod(previous.label);
  await expect(page).toHaveURL(new RegExp(`period=${previous.url}`));
  await expect(page.getByTestId("period-status")).toHaveText("Invoiced");
  expect(await usage.rows()).toEqual([
    ["32 002 6", "Leo", "", "00:01:00", "0,09 €"],
    ["33 270 3", "Marilene BALLESTER", "", "23:50:16", "116,59 €"],
    ["33 584 8", "Jean-Baptiste Godeau", "", "02:58:52", "15,39 €"],
  ]);
  expect(await usage.total()).toEqual(["26:50:08", "132,07 €"]);
  await expect(page.getByText("For assistance please call (00)32 2 789 00 10")).toBeVisible();
  await screenshot(page, "account-en");

  await usage.chooseDisplay("all");
  await expect(page).toHaveURL(new RegExp(`period=${previous.url}&display=all`));
  const all = await usage.rows();
  expect(all).toHaveLength(15);
  expect(all.map((r) => r[1])).toContain("Sophie Marchand");
  expect(await usage.total()).toEqual(["26:50:08", "132,07 €"]);

  // The URL is the bookmark: opening it again shows the same page.
  await page.goto(`/account?period=${previous.url}&display=all`);
  expect(await usage.rows()).toHaveLength(15);

  // The current month is open for billing codes.
  await page.goto("/account");
  await expect(page.getByTestId("period-status")).toHaveText("Not invoiced");
});

test("a period outside the selectable months is explained, not shown", async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/account?period=2001-01");
  await expect(page.getByText("The portal shows the current month and the three before it")).toBeVisible();
  await expect(page.getByTestId("room-usage")).toHaveCount(0);
});

test("the cardholder link opens the room; rooms of other accounts do not exist", async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto(`/account?period=${previousMonth().url}`);
  await page.getByTestId("room-usage").getByRole("link", { name: "Marilene BALLESTER" }).click();
  await expect(page).toHaveURL(new RegExp(`/rooms/332703\\?period=${previousMonth().url}`));
  await expect(page.getByText("MeetingOne Phoenix", { exact: true })).toBeVisible();
  for (const url of ["/rooms/999999", "/rooms/abc", "/rooms/602127"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
  }
});

test("the French UI comes from the browser language and the switcher", async ({ browser }) => {
  const context = await browser.newContext({ locale: "fr-FR" });
  const page = await context.newPage();
  const login = new LoginPage(page);
  await login.open();
  await expect(page.getByRole("heading", { name: "Connexion à votre compte" })).toBeVisible();
  await screenshot(page, "login-fr");
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  const previous = previousMonth("fr");
  await page.goto(`/account?period=${previous.url}`);
  await expect(page.getByRole("columnheader", { name: "Temps cumulé" })).toBeVisible();
  await expect(page.getByTestId("period-status")).toHaveText("Facturé");
  await expect(page.locator("select#period option:checked")).toHaveText(previous.label);
  await screenshot(page, "account-fr");
  await page.getByRole("button", { name: "en", exact: true }).click();
  await expect(page.getByRole("columnheader", { name: "Accumulated Time" })).toBeVisible();
  await context.close();
});

test("logging out ends the session", async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
});
