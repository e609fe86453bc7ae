import type { Locator, Page } from "@playwright/test";
import { normalise } from "./account-page";

/** The room's conference list, and the cross-room lists that share its table. */
export class ConferenceListPage {
  readonly table: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByTestId("conference-list");
  }

  async open(room: string, period: string) {
    await this.page.goto(`/rooms/${room}?period=${period}`);
  }

  async rows(): Promise<string[][]> {
    const rows = await this.table.locator("tbody tr").all();
    return Promise.all(rows.map(async (row) => (await row.locator("td").allInnerTexts()).map(normalise)));
  }

  async total(): Promise<string[]> {
    return (await this.table.getByTestId("total").locator("td").allInnerTexts()).map(normalise);
  }

  /** The first conference shown as Unallocated: its row and link. */
  firstUnallocated() {
    return this.table.getByRole("link", { name: /^(Unallocated|Non attribué)( —|$)/ }).first();
  }

  async select(index: number) {
    await this.table.locator("input[name=conference]").nth(index).check();
  }

  async assignSelected(code: string) {
    await this.page.getByTestId("billing-code-form").locator("input[name=code]").first().fill(code);
    await this.page.getByRole("button", { name: "Assign" }).click();
  }
}

export class ConferencePage {
  constructor(private readonly page: Page) {}

  currentCode() {
    return this.page.getByTestId("current-code");
  }

  async assign(code: string) {
    await this.page.locator("#billing-code input[name=code]").fill(code);
    await this.page.locator("#billing-code").getByRole("button", { name: "Assign" }).click();
  }

  fieldError() {
    return this.page.getByTestId("field-error");
  }

  message() {
    return this.page.getByTestId("form-message");
  }
}
