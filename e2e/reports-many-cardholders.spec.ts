import { expect, test } from "@playwright/test";
import { createDb } from "../db/client";
import { openEmbedded } from "../db/embedded";
import { generateTenant, type Tenant } from "../scripts/bench/tenant";
import { LoginPage } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { screenshot } from "./support";

test.use({ locale: "en-US" });

/**
 * The report builder of an account with 2,000 cardholders (the bench tenant's people and rooms,
 * without usage, loaded into the e2e server's database): search, select all, and a URL that says
 * "every cardholder" in one word rather than with 2,000 ids.
 */
let tenant: Tenant;

test.beforeAll(async () => {
  const embedded = await openEmbedded(process.env.E2E_DATA_DIR!);
  const db = createDb(embedded.url, 2);
  try {
    tenant = await generateTenant(db, { scale: 1, months: 0, accountNumber: "700009", firstRoomNumber: 790000 });
  } finally {
    await db.$client.end();
    await embedded.close();
  }
});

test("2,000 cardholders: search, select all, and the report of every cardholder", async ({ page }) => {
  expect(tenant.counts.rooms).toBe(2000);
  const login = new LoginPage(page);
  await login.open();
  await login.logIn({ username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });
  await expect(page).not.toHaveURL(/\/login/);

  const reports = new ReportsPage(page);
  await reports.open();
  const picker = page.getByTestId("picker-cardholder");
  const selectShown = picker.getByRole("button", { name: /Select all shown/ });
  await expect(selectShown).toHaveText(`Select all shown (${(2000).toLocaleString("fr-FR")})`);
  // A long list draws its first lines and says how many more match.
  await expect(picker.getByRole("checkbox")).toHaveCount(150);
  await expect(picker.getByText("… +1850")).toBeVisible();

  // Searching narrows the list to the matches (rooms 790000 to 790009 by their holders' e-mail).
  await picker.getByRole("searchbox").fill("room-79000");
  await expect(selectShown).toHaveText("Select all shown (10)");
  await expect(picker.getByRole("checkbox")).toHaveCount(10);
  await selectShown.click();
  await expect(page.getByTestId("cardholder-count")).toHaveText("10 selected");

  // Everyone: the search cleared, every match selected.
  await picker.getByRole("searchbox").fill("");
  await selectShown.click();
  await expect(page.getByTestId("cardholder-count")).toHaveText(`${(2000).toLocaleString("fr-FR")} selected`);
  await screenshot(page, "reports-2000-cardholders-selected");

  await reports.chooseType("Conference rooms");
  await reports.chooseRange("Past 12 months");
  await reports.show();
  await expect(page.getByTestId("report")).toBeVisible();
  const url = new URL(page.url());
  expect(url.searchParams.getAll("cardholder")).toEqual(["all"]);
  expect(url.search.length).toBeLessThan(120);
  await expect(page.getByTestId("report")).toContainText("Filters: Cardholders: all");
  // The account's locale (fr-FR) groups the digits.
  expect((await reports.total())[0]).toBe("Total (2 000 lines)");
  await expect(page.getByTestId("report-xlsx")).toHaveAttribute("href", /cardholder=all&/);
  await screenshot(page, "reports-2000-cardholders-report");

  // Opened again from the URL, the builder shows every cardholder ticked; one unticked, the ids are listed.
  await page.getByTestId("builder-details").locator("summary").click();
  await expect(page.getByTestId("cardholder-count")).toHaveText(`${(2000).toLocaleString("fr-FR")} selected`);
  await picker.getByRole("checkbox").first().uncheck();
  await expect(page.getByTestId("cardholder-count")).toHaveText(`${(1999).toLocaleString("fr-FR")} selected`);
  await expect(picker.locator("input[type=hidden][name=cardholder]")).toHaveValue(/^\d+(,\d+){1998}$/);
});
