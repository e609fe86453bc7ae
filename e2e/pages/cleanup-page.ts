import type { Page } from "@playwright/test";

/** The month-end clean-up page: filters, "select all", the code and its Assign button. */
export class CleanupPage {
  constructor(private readonly page: Page) {}

  async open(query = "") {
    await this.page.goto(`/account/unallocated${query ? `?${query}` : ""}`);
  }

  selectAll() {
    return this.page.getByTestId("select-all");
  }

  codeField() {
    return this.page.getByTestId("billing-code-form").locator("input[name=code]");
  }

  assignButton() {
    return this.page.getByTestId("billing-code-form").getByRole("button", { name: /^(Assign|Attribuer)$/ });
  }

  message() {
    return this.page.getByTestId("form-message");
  }

  /** How many unallocated conferences the filters match, as the page says it. */
  async matching(): Promise<number> {
    // The count is written in the account's digits ("1 234"): its group separators are dropped.
    return Number((await this.page.getByTestId("cleanup-count").innerText()).match(/\d[\d\s,.]*/)![0].replace(/\D/g, ""));
  }
}
