import { expect, test } from "@playwright/test";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { downloadWorkbook, screenshot } from "./support";

test.use({ locale: "en-US" });


test("an owner builds a report, bookmarks it and downloads it, in English and French", async ({ page, context }) => {
  await logIn(page, OWNER);
  await page.getByTestId("nav-reports").click();
  await expect(page).toHaveURL(/\/reports$/);
  const reports = new ReportsPage(page);
  await expect(reports.builder).toBeVisible();
  await screenshot(page, "reports-builder-en");

  // Conference rooms of the past 12 months for one cardholder found by searching the list.
  await reports.chooseType("Conference rooms");
  await reports.chooseRange("Past 12 months");
  await reports.selectMatching("cardholder", "marilene");
  await expect(page.getByTestId("cardholder-count")).toHaveText("1 selected");
  await reports.show();
  await expect(page).toHaveURL(/type=conference-rooms/);
  await expect(page).toHaveURL(/range=past-12-months/);
  await expect(page).toHaveURL(/cardholder=\d+/);
  const rows = await reports.rows();
  expect(rows).toHaveLength(1);
  expect(rows[0]!.slice(0, 2)).toEqual(["33 270 3", "Marilene BALLESTER"]);
  const total = await reports.total();
  expect(total[0]).toBe("Total (1 line)");
  // The total row repeats the only line's figures.
  expect(total.slice(6)).toEqual(rows[0]!.slice(6));
  await screenshot(page, "reports-conference-rooms-en");

  // The URL is the report: opened again, it shows the same.
  const bookmark = page.url();
  await page.goto("/account");
  await page.goto(bookmark);
  expect(await reports.rows()).toEqual(rows);

  // Excel: the same line and total.
  const { name, workbook } = await downloadWorkbook(page, "report-xlsx");
  expect(name).toMatch(/^report-602127-conference-rooms-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$/);
  const sheet = workbook.worksheets[0]!;
  expect(sheet.getRow(sheet.rowCount - 1).getCell(1).value).toBe("33 270 3");
  expect(String(sheet.getRow(2).getCell(1).value)).toMatch(/^Conference rooms — /);

  // Schedule this report: the schedule form opens with this report chosen.
  await page.getByTestId("schedule-this-report").click();
  await expect(page).toHaveURL(/\/reports\/schedules\/new\?/);
  await expect(page.locator("#f-report option:checked")).toHaveText(/^Conference rooms/);
  await page.goto(bookmark);

  // Activity for everyone, then both reports in French.
  await reports.open("?type=activity&range=past-12-months");
  expect((await reports.rows()).length).toBeGreaterThan(10);
  await expect(reports.table.getByTestId("total")).toContainText("Total");
  await screenshot(page, "reports-activity-en");

  // A long report: 50 lines a page, the page's subtotal above the whole report's total.
  await reports.open("?type=conference-history&range=past-12-months");
  expect(await reports.rows()).toHaveLength(50);
  await expect(reports.table.getByTestId("subtotal")).toContainText("Subtotal of this page");
  const wholeTotal = await reports.total();
  await page.getByTestId("pager").getByRole("link", { name: /Next/ }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("pager")).toContainText("Lines 51–100 of");
  expect(await reports.total()).toEqual(wholeTotal);
  await screenshot(page, "reports-conference-history-en");

  await context.addCookies([{ name: "lang", value: "fr", url: page.url() }]);
  await reports.open();
  await expect(page.getByRole("heading", { name: "Créer des rapports" })).toBeVisible();
  await screenshot(page, "reports-builder-fr");
  await page.goto(bookmark);
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Salles de conférence");
  expect((await reports.rows())[0]!.slice(0, 2)).toEqual(["33 270 3", "Marilene BALLESTER"]);
  await screenshot(page, "reports-conference-rooms-fr");
  await reports.open("?type=activity&range=past-12-months");
  await expect(reports.table.locator("thead")).toContainText("Titulaire");
  await screenshot(page, "reports-activity-fr");
});

test("bad requests get a clear message and no report", async ({ page }) => {
  await logIn(page, OWNER);
  const reports = new ReportsPage(page);
  await reports.open("?type=usage&range=custom&from=2020-01-01&to=2020-02-01");
  await expect(reports.errors).toContainText("Reports cover the past year only");
  await expect(page.getByTestId("report")).toHaveCount(0);
  await reports.open("?type=usage&range=custom&from=2026-05-02&to=2026-05-01");
  await expect(reports.errors).toContainText(/From must not be after To|past year only/);
  await reports.open("?type=payroll&range=last-7-days");
  await expect(reports.errors).toContainText("There is no report type “payroll”");
  await reports.open("?type=usage&range=last-7-days&cardholder=999999");
  await expect(reports.errors).toContainText("These cardholders are not part of this account: 999999");
  await expect(page.getByTestId("report")).toHaveCount(0);
  // The download says the same, and sends no file.
  const refused = await page.request.get("/reports/download?type=usage&range=last-7-days&group=999999&format=xlsx");
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain("These groups are not part of this account");
});

test("a room holder gets 404 for the reports page and downloads", async ({ page }) => {
  await logIn(page, ROOM_HOLDER);
  const response = await page.goto("/reports?type=activity&range=past-12-months");
  expect(response?.status()).toBe(404);
  const file = await page.request.get("/reports/download?type=activity&range=past-12-months&format=xlsx");
  expect(file.status()).toBe(404);
  const csv = await page.request.get("/reports/download?type=user-status&range=last-7-days&format=csv");
  expect(csv.status()).toBe(404);
});
