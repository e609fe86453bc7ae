import { expect, test } from "@playwright/test";
import { CleanupPage } from "./pages/cleanup-page";
import { logIn, OWNER } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { SchedulesPage } from "./pages/schedules-page";
import { assignedMessage, currentMonth, downloadWorkbook, monthlySentence, STATEMENT_CELL_FORMATS, statementCellFormats, statementLines, takeBackCodes } from "./support";

test.use({ locale: "en-US" });

const CODE = "CLOSE-MONTH";
// The demo's open month is left as it was found, for the specs after this one.
test.afterAll(() => takeBackCodes([CODE]));

/**
 * A whole month end as an owner, one step after the other as a user would: every unallocated
 * conference of the open month given a code in three actions, the statement downloaded and opened
 * (its cells typed and formatted), the previous month's activity report scheduled monthly from the
 * report page with its next run in words, and Send now watched until delivered without a reload.
 */
test("a whole month end: clean up, download the statement, schedule the monthly report, send it now", async ({ page }) => {
  await logIn(page, OWNER);
  const month = currentMonth();
  await page.goto(`/account?period=${month}`);
  const summaryLine = page.getByTestId("unallocated-summary");
  const unallocated = Number((await summaryLine.innerText()).match(/(\d+) conference/)![1]);
  expect(unallocated).toBeGreaterThan(0);

  // Clean up in three actions: Clean up, select all, Assign (the code typed in its field).
  const cleanup = new CleanupPage(page);
  await summaryLine.getByRole("link", { name: "Clean up" }).click();
  await cleanup.selectAll().check();
  await cleanup.codeField().fill(CODE);
  await cleanup.assignButton().click();
  await expect(cleanup.message()).toHaveText(assignedMessage(CODE, unallocated));
  await page.goto(`/account?period=${month}`);
  await expect(summaryLine).toHaveText("None: every conference has a billing code");

  // The statement of the month: every line has a code, the cleaned-up ones this one; cells ledger-ready.
  const statement = await downloadWorkbook(page, "statement");
  expect(statement.name).toBe(`oai-602127-${month}-statement.xlsx`);
  const { sheet, header } = statementLines(statement.workbook);
  const codes: string[] = [];
  for (let n = header + 1; n < sheet.rowCount; n++) codes.push(String(sheet.getRow(n).getCell(6).value));
  expect(codes.length).toBeGreaterThanOrEqual(unallocated);
  expect(codes).not.toContain("Unallocated");
  expect(codes.filter((c) => c === CODE)).toHaveLength(unallocated);
  expect(statementCellFormats(sheet.getRow(header + 1))).toEqual(STATEMENT_CELL_FORMATS);

  // The previous month's activity report, scheduled monthly from the report page.
  const reports = new ReportsPage(page);
  await reports.open();
  await reports.chooseType("Activity");
  await reports.chooseRange("Previous month");
  await reports.show();
  await page.getByTestId("schedule-this-report").click();
  await expect(page.locator("#f-range")).toHaveValue("previous-month");
  await page.locator("#f-frequency").selectOption("monthly");
  const sentence = monthlySentence().en;
  await expect(page.getByTestId("next-run-sentence")).toHaveText(sentence);
  const schedules = new SchedulesPage(page);
  await schedules.fill({ name: "Month-end close", emails: "accounts@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+\?saved=created$/);
  await expect(page.getByTestId("summary-range")).toHaveText("Previous month");
  await expect(page.getByTestId("summary-next-run")).toHaveText(sentence);

  // Send now: the history goes from nothing to waiting to delivered on the page as it is.
  await expect(page.getByTestId("history")).toHaveCount(0); // no run yet
  const reloads = await schedules.watchForReloads();
  const url = page.url();
  await page.getByTestId("send-now").click();
  await expect(schedules.latestRunStatus()).toContainText(/Waiting|Sending|Delivered/);
  await expect(schedules.latestRunStatus()).toContainText("Delivered", { timeout: 30_000 });
  await expect(page.getByTestId("history")).toContainText("accounts@client.example");
  expect(await reloads(), "no reload, no navigation").toEqual({ loads: 0, sameDocument: true, url });
});
