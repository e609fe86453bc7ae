import type { Locator, Page } from "@playwright/test";

/** The account summary (and the room landing page, which shares its table). */
export class UsagePage {
  readonly table: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByTestId("room-usage");
  }

  /** The table's lines as [room, cardholder, auto code, time, charge], spaces normalised. */
  async rows(): Promise<string[][]> {
    const rows = await this.table.locator("tbody tr").all();
    // Cell text without the action links (e.g. "Edit") a cell may carry.
    const texts = (row: Locator) =>
      row.locator("td").evaluateAll((tds) =>
        tds.map((td) => {
          const copy = td.cloneNode(true) as Element;
          copy.querySelectorAll("[data-action]").forEach((a) => a.remove());
          return copy.textContent ?? "";
        }),
      );
    return Promise.all(rows.map(async (row) => (await texts(row)).map(normalise)));
  }

  async total(): Promise<string[]> {
    return (await this.table.getByTestId("total").locator("td").allInnerTexts()).map(normalise);
  }

  /** Chooses a billing period and applies it with Show (a choice alone does not leave the page). */
  async choosePeriod(label: string) {
    await this.page.locator("select#period").selectOption({ label });
    await this.page.getByTestId("period-show").click();
  }

  async chooseDisplay(value: "active" | "all") {
    await this.page.locator("select#display").selectOption(value);
    await this.page.getByTestId("period-show").click();
  }
}

export const normalise = (text: string) => text.replace(/[\u00a0\u202f]/g, " ").trim();
