import type { Page } from "@playwright/test";
import { generate } from "otplib";

/** The enrolment page (/two-factor) and the security page (/security), as an owner uses them with an authenticator app. */
export class TwoFactorPage {
  constructor(private readonly page: Page) {}

  qrCode() {
    return this.page.getByTestId("qr-code");
  }

  /** The key shown for entry by hand, as an authenticator app takes it. */
  async secret(): Promise<string> {
    return (await this.page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  }

  /** The code the app shows `steps` periods of 30 s from now. */
  static code(secret: string, steps = 0): Promise<string> {
    return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
  }

  async confirm(code: string) {
    await this.page.locator("#enrol-code").fill(code);
    await this.page.getByRole("button", { name: /Turn on two-factor authentication/ }).click();
  }

  codeError() {
    return this.page.locator("#enrol-code-error");
  }

  async recoveryCodes(): Promise<string[]> {
    await this.page.getByTestId("recovery-codes").waitFor();
    return this.page.getByTestId("recovery-code").allInnerTexts();
  }
}
