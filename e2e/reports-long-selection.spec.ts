import { expect, test, type Page } from "@playwright/test";
import { createDb } from "../db/client";
import { openEmbedded } from "../db/embedded";
import { generateTenant, type Tenant } from "../scripts/bench/tenant";
import { normalise } from "./pages/account-page";
import { LoginPage } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";

test.use({ locale: "en-US" });
// Each test loads its own account of 5,200 cardholders (about 5 s) and ticks thousands of them.
test.setTimeout(180_000);

/**
 * Reports of 1,700 and 5,000 ticked cardholders (of 5,200): addresses of 10–45 KB of ids, past
 * what a request may carry (the first could not be opened, the second answered 431). The builder
 * saves such a selection on the server and opens the report at /reports?s=<id>, an address that
 * opens again later (a bookmark) and pages and downloads the same report.
 */
/** A tenant of 5,200 rooms, each with its own cardholder (`room-<number>@…`), and no usage. */
async function loadTenant(accountNumber: string, firstRoomNumber: number): Promise<Tenant> {
  const embedded = await openEmbedded(process.env.E2E_DATA_DIR!);
  const db = createDb(embedded.url, 2);
  try {
    return await generateTenant(db, { scale: 2.6, months: 0, accountNumber, firstRoomNumber });
  } finally {
    await db.$client.end();
    await embedded.close();
  }
}

/** Ticks every cardholder whose room number starts with one of `prefixes` (their e-mail is room-<number>@…). */
async function tick(page: Page, prefixes: string[]) {
  const picker = page.getByTestId("picker-cardholder");
  for (const prefix of prefixes) {
    await picker.getByRole("searchbox").fill(`room-${prefix}`);
    await picker.getByRole("button", { name: /Select all shown/ }).click();
  }
  await picker.getByRole("searchbox").fill("");
}

const selections = [
  // Rooms 840000–840999 and 841000–841699.
  { count: 1_700, account: "700013", firstRoom: 840_000, prefixes: ["840", "8410", "8411", "8412", "8413", "8414", "8415", "8416"] },
  // Rooms 850000–854999.
  { count: 5_000, account: "700014", firstRoom: 850_000, prefixes: ["850", "851", "852", "853", "854"] },
];

for (const { count, account, firstRoom, prefixes } of selections) {
  test(`${count.toLocaleString("en")} cardholders ticked: the report opens at a short address, opens again from it, pages and downloads`, async ({ page, context }) => {
    const tenant = await loadTenant(account, firstRoom);
    expect(tenant.counts.rooms).toBe(5_200);
    await new LoginPage(page).open();
    await new LoginPage(page).logIn({ username: tenant.owner.email, password: tenant.owner.password, number: tenant.accountNumber });
    await expect(page).not.toHaveURL(/\/login/);

    const reports = new ReportsPage(page);
    await reports.open();
    await tick(page, prefixes);
    await expect(page.getByTestId("cardholder-count")).toHaveText(`${count.toLocaleString("fr-FR")} selected`);
    await reports.chooseType("Conference rooms");
    await reports.chooseRange("Past 12 months");
    await reports.show();

    await expect(page).toHaveURL(/\/reports\?s=[\w-]{16}$/);
    const address = page.url();
    const total = normalise(`Total (${count.toLocaleString("fr-FR")} lines)`);
    await expect(page.getByTestId("report")).toBeVisible();
    expect((await reports.total())[0]).toBe(total);

    // A bookmark: the address opened again in a new tab, the builder showing the same selection.
    const again = await context.newPage();
    await again.goto(address);
    expect((await new ReportsPage(again).total())[0]).toBe(total);
    await again.getByTestId("builder-details").locator("summary").click();
    await expect(again.getByTestId("cardholder-count")).toHaveText(`${count.toLocaleString("fr-FR")} selected`);
    await again.close();

    // Its next page and its Excel file keep the short address.
    await page.getByTestId("pager").locator("a[rel=next]").click();
    await expect(page).toHaveURL(new RegExp(`${address.replace(/[?]/g, "\\?")}&page=2$`));
    const download = page.waitForEvent("download");
    await page.getByTestId("report-xlsx").click();
    expect((await download).suggestedFilename()).toMatch(new RegExp(`^report-${account}-conference-rooms-.*\\.xlsx$`));

    // The builder's own Excel button, from the long selection itself, downloads the file too.
    await reports.open();
    await tick(page, prefixes);
    await reports.chooseType("Conference rooms");
    await reports.chooseRange("Past 12 months");
    const fromBuilder = page.waitForEvent("download");
    await page.getByTestId("download-xlsx").click();
    expect((await fromBuilder).suggestedFilename()).toMatch(/\.xlsx$/);
  });
}
