import { expect, type Page } from "@playwright/test";

export const OWNER = { username: "owner@phoenix.example", password: "Phoenix-Owner-1", number: "602127" };
export const ROOM_HOLDER = { username: "marilene@phoenix.example", password: "Phoenix-Room-1", number: "332703" };

export class LoginPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto("/login");
  }

  async logIn(credentials: { username: string; password: string; number: string }) {
    await this.page.locator("input[name=username]").fill(credentials.username);
    await this.page.locator("input[name=password]").fill(credentials.password);
    await this.page.locator("input[name=number]").fill(credentials.number);
    await this.page.locator("button[type=submit]").click();
  }

  /** The second step of a user with two-factor authentication: a code of the app or a recovery code. */
  async enterCode(code: string) {
    await this.page.locator("input[name=code]").fill(code);
    await this.page.locator("button[type=submit]").click();
  }

  codeField() {
    return this.page.locator("input[name=code]");
  }

  message() {
    return this.page.locator("#login-message");
  }
}

/** Logs in from the login page and waits until the portal has left it. */
export async function logIn(page: Page, who: { username: string; password: string; number: string }) {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(who);
  await expect(page).not.toHaveURL(/\/login/);
}
