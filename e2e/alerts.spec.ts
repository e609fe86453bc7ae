import { expect, test } from "@playwright/test";
import { LoginPage, OWNER } from "./pages/login-page";
import { screenshot } from "./support";

test("an owner sets a budget for a billing code, is told at the field what is wrong, then deletes it", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account/);
  await page.goto("/account/alerts");
  await expect(page.getByRole("heading", { name: "Spending alerts", level: 1 })).toBeVisible();
  // The demo's budgets: the whole account and the demo holder's room.
  await expect(page.getByTestId("budget")).toHaveCount(2);

  const code = `E2E-${Date.now() % 1_000_000}`;
  await page.getByTestId("budget-target").selectOption("code");
  await page.getByTestId("budget-code").fill(code);
  const amount = page.getByTestId("budget-amount");
  for (const [typed, message] of [
    ["12,345", "Amounts in EUR have at most 2 decimals."],
    ["-5", "The budget must be more than zero."],
    ["lots", "Enter the amount in digits, e.g. 250 or 250.50."],
  ] as const) {
    await amount.fill(typed);
    await page.getByTestId("save-budget").click();
    await expect(page.locator("#budget-amount-errors")).toHaveText(message);
    await expect(amount).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("budget")).toHaveCount(2);
  }
  await amount.fill("250,50");
  await page.getByTestId("save-budget").click();
  await expect(page.getByTestId("budget-form-status")).toHaveText(`Budget set for Billing code ${code}.`);
  const budget = page.getByTestId("budget").filter({ hasText: code });
  await expect(budget.getByTestId("budget-amount-shown")).toHaveText("250,50\u00a0€");
  await screenshot(page, "alerts");

  page.once("dialog", (dialog) => void dialog.accept());
  await budget.getByTestId("delete-budget").click();
  await expect(page.getByTestId("budget").filter({ hasText: code })).toHaveCount(0);
});
