import { expect, type Page } from "@playwright/test";

/** The scheduled reports list, the schedule form and a schedule's history. */
export class SchedulesPage {
  constructor(private readonly page: Page) {}

  async openList() {
    await this.page.goto("/reports/schedules");
  }

  async fill(fields: { name?: string; report?: string; frequency?: string; time?: string; range?: string; from?: string; to?: string; format?: string; emails?: string }) {
    const p = this.page;
    if (fields.name !== undefined) await p.locator("#f-name").fill(fields.name);
    if (fields.report) await p.locator("#f-report").selectOption({ label: fields.report });
    if (fields.frequency) await p.locator("#f-frequency").selectOption(fields.frequency);
    if (fields.time) await p.locator("#f-time").fill(fields.time);
    if (fields.range) await p.locator("#f-range").selectOption(fields.range);
    if (fields.from) await p.locator("#f-from").fill(fields.from);
    if (fields.to) await p.locator("#f-to").fill(fields.to);
    if (fields.format) await p.locator("#f-format").selectOption(fields.format);
    if (fields.emails !== undefined) await p.locator("#f-emails").fill(fields.emails);
  }

  async save() {
    await this.page.locator("button[name=intent][value=save]").click();
  }

  fieldError(field: string) {
    return this.page.locator(`#f-${field}-errors`);
  }

  /**
   * Marks the page's window and counts its document loads from now on: the history must change by
   * itself, not because the page was loaded again. (Next's router replaces the history entry's
   * state when it refreshes, which Playwright reports as a navigation of the same document: the
   * document is the same one, so loads and the window's mark tell.)
   */
  async watchForReloads(): Promise<() => Promise<{ loads: number; sameDocument: boolean; url: string }>> {
    let loads = 0;
    this.page.on("load", () => loads++);
    await this.page.evaluate(() => Object.assign(window, { __sameDocument: true }));
    return async () => ({ loads, sameDocument: await this.page.evaluate(() => "__sameDocument" in window), url: this.page.url() });
  }

  /** The latest run's status cell. */
  latestRunStatus() {
    return this.page.getByTestId("history").locator("tbody tr").first().getByTestId("run-status");
  }

  /** Reloads the schedule page until its latest run has the status given. */
  async waitForRun(status: string) {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByTestId("history").locator("tbody tr").first()).toContainText(status, { timeout: 1000 });
    }).toPass({ timeout: 30_000, intervals: [1000] });
  }
}
