import { expect, test } from "@playwright/test";
import { LoginPage, OWNER } from "./pages/login-page";

test.use({ locale: "en-US" });

test("a wrong username, password or number gives the same message", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  for (const wrong of [
    { ...OWNER, username: "nobody@phoenix.example" },
    { ...OWNER, password: "Phoenix-Owner-2" },
    { ...OWNER, number: "332703" },
    { ...OWNER, number: "999999" },
  ]) {
    await login.logIn(wrong);
    await expect(login.message()).toHaveText("Invalid credentials");
    await expect(page).toHaveURL(/\/login/);
  }
});

test("the 11th attempt in 15 minutes is refused with a clear message", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  const target = { username: "locked.out@phoenix.example", password: "whatever-1", number: "602127" };
  for (let i = 0; i < 10; i++) {
    await login.logIn(target);
    await expect(login.message()).toHaveText("Invalid credentials");
    await page.locator("button[type=submit]:not([disabled])").waitFor();
  }
  await login.logIn(target);
  await expect(login.message()).toContainText("Too many failed attempts");
  await expect(login.message()).toContainText("try again in 15 min");
});

test("pages need a session", async ({ page }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/rooms/332703");
  await expect(page).toHaveURL(/\/login/);
});
