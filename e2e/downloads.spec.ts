import { expect, test } from "@playwright/test";
import { normalise, UsagePage } from "./pages/account-page";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ConferenceListPage } from "./pages/room-page";
import { downloadWorkbook, previousMonth, STATEMENT_CELL_FORMATS, statementCellFormats, statementLines } from "./support";

test.use({ locale: "en-US" });



const euros = (value: unknown) => {
  const v = typeof value === "object" && value && "result" in value ? (value as { result: number }).result : (value as number);
  return new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(v).replace(/[\u00a0\u202f]/g, " ");
};

test("every OAI page downloads what it shows", async ({ page }) => {
  await logIn(page, OWNER);
  const month = previousMonth().url;
  await page.goto(`/account?period=${month}`);
  const pageTotal = (await new UsagePage(page).total())[1];
  const account = await downloadWorkbook(page, "download");
  expect(account.name).toBe(`oai-602127-${month}-account.xlsx`);
  const sheet = account.workbook.worksheets[0]!;
  expect(euros(sheet.getRow(sheet.rowCount).getCell(5).value)).toBe(pageTotal);

  const statement = await downloadWorkbook(page, "statement");
  expect(statement.name).toBe(`oai-602127-${month}-statement.xlsx`);
  expect(statement.workbook.worksheets).toHaveLength(2);
  // Ledger-ready cells: dates, times with seconds, [hh]:mm:ss durations, amounts in the account's currency.
  const { sheet: lines, header } = statementLines(statement.workbook);
  expect(statementCellFormats(lines.getRow(header + 1))).toEqual(STATEMENT_CELL_FORMATS);

  await page.goto(`/rooms/332703?period=${month}`);
  const room = await downloadWorkbook(page, "download");
  expect(room.name).toBe(`oai-602127-${month}-room-332703.xlsx`);
  const roomSheet = room.workbook.worksheets[0]!;
  expect(euros(roomSheet.getRow(roomSheet.rowCount).getCell(9).value)).toBe(normalise((await new ConferenceListPage(page).total())[1]!));
});

test("a room holder downloads their room; the account files and other rooms are 404", async ({ page }) => {
  await logIn(page, ROOM_HOLDER);
  const month = previousMonth().url;
  await page.goto(`/rooms/332703?period=${month}`);
  const room = await downloadWorkbook(page, "download");
  expect(room.name).toBe(`oai-602127-${month}-room-332703.xlsx`);
  await expect(page.getByTestId("statement")).toHaveCount(0);
  for (const url of [`/download/account?period=${month}`, `/download/statement?period=${month}`, `/download/room?room=320026&period=${month}`, "/download/room?room=332703&period=2001-01"]) {
    const response = await page.request.get(url);
    expect(response.status(), url).toBe(404);
  }
});
