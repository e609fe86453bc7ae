import { expect, test } from "@playwright/test";
import { ConferenceListPage } from "./pages/room-page";
import { LoginPage, ROOM_HOLDER } from "./pages/login-page";
import { previousMonth, screenshot } from "./support";

test.use({ locale: "en-US" });

test("the room holder lands on their room and sees nothing else", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(ROOM_HOLDER);
  await expect(page).toHaveURL(/\/rooms\/332703$/);
  await page.goto(`/rooms/332703?period=${previousMonth().url}`);
  const list = new ConferenceListPage(page);
  expect((await list.total()).slice(-2)).toEqual(["23:50:16", "116,59 €"]);
  expect(await list.table.locator("tbody tr a[href*='/conferences/']").count()).toBeGreaterThanOrEqual(19);
  await expect(page.getByText("Company Name")).toHaveCount(0);
  await screenshot(page, "room-holder-previous-en");

  for (const url of ["/account", `/account?period=${previousMonth().url}&display=all`, "/rooms/320026", "/rooms/335848"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
    await expect(page.getByText("Page not found")).toBeVisible();
  }
});
