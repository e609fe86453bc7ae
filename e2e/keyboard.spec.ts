import { expect, test, type Locator, type Page } from "@playwright/test";
import { OWNER } from "./pages/login-page";
import { currentMonth, previousMonth, takeBackCodes } from "./support";

test.use({ locale: "en-US" });

const CODE = "KEYBOARD-1";

/** Presses Tab (Shift+Tab backwards) until `target` has the focus, as someone without a mouse would; at most `max` presses. */
async function tabTo(page: Page, target: Locator, { max = 80, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`not reached by ${max} presses of Tab: ${target}`);
}

/** The focused element can be seen: it has an outline or a ring (box-shadow) of its own. */
async function expectVisibleFocus(page: Page) {
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0, ring: s.boxShadow !== "none" };
  });
  expect(style.outline || style.ring, "the focused element shows where it is").toBe(true);
}

test.afterAll(() => takeBackCodes([CODE]));

test("keyboard only: log in, change the period, open a room, assign a code, download", async ({ page }) => {
  await page.goto("/login");
  await tabTo(page, page.locator("input[name=username]"));
  await page.keyboard.type(OWNER.username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(OWNER.password);
  await tabTo(page, page.locator("input[name=number]"));
  await page.keyboard.type(OWNER.number);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account$/);

  // The billing period: the previous month, chosen with an arrow key and shown with Enter.
  await tabTo(page, page.locator("select#period"));
  await expectVisibleFocus(page);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`period=${previousMonth().url}`));

  // A room, from its cardholder's link; then back to the open month, where codes can be assigned.
  await tabTo(page, page.locator("[data-testid=room-usage] a", { hasText: /^Leo$/ }));
  await expectVisibleFocus(page);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/rooms\/320026\?period=/);
  await tabTo(page, page.locator("select#period"));
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`period=${currentMonth()}`));

  // An unallocated conference: its code typed and sent with Enter.
  await tabTo(page, page.locator("[data-testid=conference-list] a.unallocated").first());
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/rooms\/320026\/conferences\/\d+#billing-code$/);
  await tabTo(page, page.locator("#billing-code input[name=code]"));
  await expectVisibleFocus(page);
  await page.keyboard.type(CODE);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("form-message")).toContainText(CODE);
  await expect(page.locator("#billing-code")).toContainText(CODE);

  // The conference's download, by Enter on its link.
  await tabTo(page, page.getByTestId("download"), { back: true });
  await expectVisibleFocus(page);
  const [file] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
});
