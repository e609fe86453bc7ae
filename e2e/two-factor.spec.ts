import { expect, test } from "@playwright/test";
import { createDb } from "../db/client";
import { openEmbedded } from "../db/embedded";
import { createAccount, createUser, setTwoFactorRequired } from "../lib/admin/support";
import { LoginPage } from "./pages/login-page";
import { TwoFactorPage } from "./pages/two-factor-page";
import { screenshot } from "./support";

test.use({ locale: "en-US" });

/**
 * TOTP two-factor in a browser: an owner enrols from the sessions page with the key the page
 * shows (as an authenticator app would read the QR code), then logs in with a code of the app and
 * with a recovery code; an account that requires it sends its owner to enrolment first. Each test
 * has its own account and owner, so the demo owner is left as other specs expect it.
 */
const PASSWORD = "e2e two-factor password";
const voluntary = { username: "voluntary@totp-e2e.example", password: PASSWORD, number: "640001" };
const required = { username: "required@totp-e2e.example", password: PASSWORD, number: "640011" };

test.beforeAll(async () => {
  const embedded = await openEmbedded(process.env.E2E_DATA_DIR!);
  const db = createDb(embedded.url, 2);
  try {
    for (const [owner, company] of [[voluntary, "Voluntary SA"], [required, "Required SA"]] as const) {
      await createAccount(db, { number: owner.number, company });
      await createUser(db, { email: owner.username, name: company.replace(" SA", " Owner"), password: PASSWORD, account: owner.number, role: "owner" });
    }
    await setTwoFactorRequired(db, { account: required.number, required: true });
  } finally {
    await db.$client.end();
    await embedded.close();
  }
});

test("an owner enrols, then logs in with a code of the app, and once with a recovery code", async ({ page }) => {
  const login = new LoginPage(page);
  const twoFactor = new TwoFactorPage(page);
  await login.open();
  await login.logIn(voluntary);
  await expect(page).toHaveURL(/\/account$/);

  await page.getByTestId("nav-sessions").click();
  await page.getByTestId("manage-two-factor").click();
  await expect(page).toHaveURL(/\/two-factor$/);
  await expect(page.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await expect(twoFactor.qrCode().locator("svg")).toBeVisible();
  const secret = await twoFactor.secret();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  const right = await TwoFactorPage.code(secret);
  await twoFactor.confirm(right === "000000" ? "111111" : "000000");
  await expect(twoFactor.codeError()).toContainText("That code is not right");
  await twoFactor.confirm(right);
  const codes = await twoFactor.recoveryCodes();
  expect(codes).toHaveLength(10);
  await screenshot(page, "two-factor-recovery-codes-en");
  await page.getByTestId("continue").click();
  await expect(page).toHaveURL(/\/account$/);

  // Logging in again: the password is not enough.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await login.logIn(voluntary);
  await expect(login.codeField()).toBeVisible();
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/, { timeout: 10_000 });

  await login.logIn(voluntary);
  await login.enterCode("000000" === (await TwoFactorPage.code(secret, 1)) ? "111111" : "000000");
  await expect(login.message()).toContainText("Invalid code");
  // The next step's code: the one that confirmed the enrolment is spent.
  await login.enterCode(await TwoFactorPage.code(secret, 1));
  await expect(page).toHaveURL(/\/account$/);

  await page.getByRole("button", { name: "Log out" }).click();
  await login.logIn(voluntary);
  await login.enterCode(codes[0]!);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/security");
  await expect(page.getByTestId("two-factor-status")).toContainText("Recovery codes left: 9 of 10.");
});

test("an account that requires it: its owner is sent to enrolment and reaches nothing else until enrolled", async ({ page }) => {
  const login = new LoginPage(page);
  const twoFactor = new TwoFactorPage(page);
  await login.open();
  await login.logIn(required);
  await expect(page).toHaveURL(/\/two-factor$/);
  await expect(page.getByTestId("required-notice")).toContainText("Customer service requires two-factor authentication for account 640011");
  for (const elsewhere of ["/account", "/reports", "/sessions"]) {
    await page.goto(elsewhere);
    await expect(page).toHaveURL(/\/two-factor$/);
  }
  const response = await page.request.get("/download/statement");
  expect(response.status()).toBe(404);

  await twoFactor.confirm(await TwoFactorPage.code(await twoFactor.secret()));
  await expect(await twoFactor.recoveryCodes()).toHaveLength(10);
  await page.getByTestId("continue").click();
  await expect(page).toHaveURL(/\/account$/);
  // Required: it cannot be turned off.
  await page.goto("/security");
  await expect(page.getByTestId("two-factor-status")).toContainText("Customer service requires it");
  await expect(page.getByRole("button", { name: "Turn off two-factor authentication" })).toHaveCount(0);
});
