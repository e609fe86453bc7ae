import type { Locator, Page } from "@playwright/test";
import { normalise } from "./account-page";

/** The report builder and the report under it. */
export class ReportsPage {
  readonly builder: Locator;
  readonly table: Locator;
  readonly errors: Locator;

  constructor(private readonly page: Page) {
    this.builder = page.getByTestId("report-builder");
    this.table = page.getByTestId("report-table");
    this.errors = page.getByTestId("report-errors");
  }

  async open(query = "") {
    await this.page.goto(`/reports${query}`);
  }

  async chooseType(name: string) {
    await this.builder.getByRole("radio", { name: new RegExp(`^${name}`) }).check();
  }

  async chooseRange(label: string) {
    await this.builder.getByRole("radio", { name: label, exact: true }).check();
  }

  /** Searches a people list and selects every match. */
  async selectMatching(picker: "cardholder" | "owner" | "group", search: string) {
    const box = this.page.getByTestId(`picker-${picker}`);
    const input = box.getByRole("searchbox");
    if (await input.count()) await input.fill(search);
    await box.getByRole("button", { name: /Select all shown|Tout sélectionner/ }).click();
  }

  async show() {
    await this.page.getByTestId("show-report").click();
  }

  async rows(): Promise<string[][]> {
    const rows = await this.table.locator("tbody tr").all();
    return Promise.all(rows.map(async (row) => (await row.locator("td").allInnerTexts()).map(normalise)));
  }

  /** The total row by column: the label spans the empty cells before the first sum (read back as empty). */
  async total(): Promise<string[]> {
    const cells = await this.table
      .getByTestId("total")
      .locator("th, td")
      .evaluateAll((elements) => elements.map((e) => ({ text: (e as HTMLElement).innerText, span: (e as HTMLTableCellElement).colSpan })));
    return cells.flatMap(({ text, span }) => [normalise(text), ...Array<string>(span - 1).fill("")]);
  }
}
