import { Readable } from "node:stream";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { createAccount, createRoom, createUser } from "../lib/admin/support";
import { ingest } from "../lib/ingest/ingest";
import { normalise } from "./pages/account-page";
import { CleanupPage } from "./pages/cleanup-page";
import { logIn, OWNER } from "./pages/login-page";
import { ConferenceListPage } from "./pages/room-page";
import { assignedMessage, currentMonth, previousMonth, screenshot, takeBackCodes, withDb } from "./support";

test.use({ locale: "en-US" });

/**
 * The month-end clean-up as an owner: every unallocated conference of the demo's open month given a
 * code in three actions (with the mouse, then with the keyboard alone), the confirmation beside
 * the button, invoiced months with nothing to act on, and assignments at once (two tabs, two
 * accounts) that neither write elsewhere nor lose or double a count. Between tests the demo's month
 * is made unallocated again (this spec's codes only), so each test starts from the same month.
 */
const SECOND = { username: "owner@second-cleanup.example", password: "e2e clean-up password", number: "660001" };
const CODES = ["MONTH-END", "KEYS-ONLY", "TAB-ONE", "TAB-TWO", "DEMO-AT-ONCE", "SECOND-AT-ONCE", "LONG-ROOM", "SHOT"];



const unallocateAgain = () => takeBackCodes(CODES);

/** `count` unallocated conferences of one leg each in `room`, in the last hour (the open month), through ingest. */
async function sendConferences(db: Database, accountId: number, prefix: string, room: string, count: number) {
  const now = Date.now();
  const legs = Array.from({ length: count }, (_, i) => ({
    leg_id: `${prefix}-${i}`,
    conference_id: `${prefix}-c${i}`,
    room_number: room,
    service_type: "toll",
    started_at: new Date(now - (i + 2) * 60_000).toISOString(),
    ended_at: new Date(now - (i + 2) * 60_000 + 45_000).toISOString(),
    caller_name: `Caller ${i}`,
    caller_number: "+33100000000",
    dialed_number: "+33800000000",
  }));
  const result = await ingest(db, { accountId, label: "e2e" }, Readable.from(legs.map((l) => `${JSON.stringify(l)}\n`)), "ndjson");
  if (!result.ok) throw new Error(JSON.stringify(result));
}

// Once per server (a worker restarted after a failure finds them there): a second account, and
// enough unallocated conferences in the demo's open month for its list to span two pages.
test.beforeAll(async () => {
  await withDb(async (db) => {
    const { rows } = await db.execute<{ id: string; number: string }>(sql`select id, number from accounts where number in ('602127', ${SECOND.number})`);
    if (rows.length === 2) return;
    const account = await createAccount(db, { number: SECOND.number, company: "Second Clean-up SA" });
    await createUser(db, { email: SECOND.username, name: "Second Owner", password: SECOND.password, account: SECOND.number, role: "owner" });
    await createRoom(db, { account: SECOND.number, number: "661001", cardholder: SECOND.username });
    await sendConferences(db, account.id, "second", "661001", 12);
    await sendConferences(db, Number(rows.find((r) => r.number === "602127")!.id), "demo-extra", "350014", 55);
  });
});
test.afterEach(unallocateAgain);


/** The summary's Unallocated line of the open month. */
const summaryLine = (page: Page) => page.getByTestId("unallocated-summary");

/** The confirmation is beside the button: on the same line or just under it, never under the table. */
async function expectBesideButton(page: Page, button: ReturnType<Page["getByRole"]>) {
  const message = await page.getByTestId("form-message").boundingBox();
  const anchor = await button.boundingBox();
  expect(message && anchor).toBeTruthy();
  expect(Math.abs(message!.y - anchor!.y)).toBeLessThan(60);
  // Wholly in the window once the refreshed page has settled.
  await expect(page.getByTestId("form-message")).toBeInViewport({ ratio: 1 });
}

test("owner: every unallocated conference of the open month gets a code in three actions", async ({ page }) => {
  await logIn(page, OWNER);
  const month = currentMonth();
  await page.goto(`/account?period=${month}`);
  const before = Number((await summaryLine(page).innerText()).match(/(\d+) conference/)![1]);
  expect(before).toBeGreaterThan(10);

  const cleanup = new CleanupPage(page);
  await summaryLine(page).getByRole("link", { name: "Clean up" }).click(); // 1
  await expect(page.getByRole("heading", { name: /Month-end clean-up/ })).toBeVisible();
  expect(await cleanup.matching()).toBe(before);
  await expect(page.getByTestId("pager")).toBeVisible(); // more than one page: select all spans them
  await cleanup.selectAll().check(); // 2
  await expect(page.locator("input[name=conference]:checked")).toHaveCount(await page.locator("input[name=conference]").count());
  await cleanup.codeField().fill("MONTH-END");
  await cleanup.assignButton().click(); // 3
  await expect(cleanup.message()).toHaveText(assignedMessage("MONTH-END", before));
  await expectBesideButton(page, cleanup.assignButton());
  await expect(page.getByText(/No unallocated conference in \w+ \d{4}/)).toBeVisible();

  await page.goto(`/account?period=${month}`);
  await expect(summaryLine(page)).toHaveText("None: every conference has a billing code");
  await page.goto(`/account?period=${month}&sort=code`);
  await expect(page.locator("details[data-code='']")).toHaveCount(0);
  await expect(page.locator("details[data-code='MONTH-END'] summary > span").nth(1)).toHaveText(String(before));
});

test("owner, keyboard only: Tab, Space and Enter clean up the month; the confirmation is announced", async ({ page }) => {
  await logIn(page, OWNER);
  await page.goto(`/account?period=${currentMonth()}`);
  const cleanup = new CleanupPage(page);
  const count = Number((await summaryLine(page).innerText()).match(/(\d+) conference/)![1]);
  const tabTo = async (target: ReturnType<Page["getByTestId"]>, most = 60) => {
    for (let i = 0; i < most && !(await target.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    await expect(target).toBeFocused();
  };
  await tabTo(summaryLine(page).getByRole("link", { name: "Clean up" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/account\/unallocated/);
  await tabTo(cleanup.selectAll());
  await page.keyboard.press("Space");
  await expect(cleanup.selectAll()).toBeChecked();
  await page.keyboard.press("Tab");
  await expect(cleanup.codeField()).toBeFocused();
  await page.keyboard.type("KEYS-ONLY");
  await page.keyboard.press("Enter");
  const status = page.getByTestId("billing-code-form").getByRole("status");
  await expect(status).toHaveAttribute("aria-live", "polite");
  await expect(status).toHaveText(assignedMessage("KEYS-ONLY", count));
  await page.goto(`/account?period=${currentMonth()}`);
  await expect(summaryLine(page)).toHaveText("None: every conference has a billing code");
});

test("a long room: the bulk assignment's confirmation is beside its button, not under the table", async ({ page }) => {
  await logIn(page, OWNER);
  const month = currentMonth();
  const list = new ConferenceListPage(page);
  await page.goto(`/account?period=${month}&sort=code`);
  const rooms = page.locator("details[data-code=''] a[href^='/rooms/']");
  await page.locator("details[data-code=''] summary").click();
  const counts = await page.locator("details[data-code=''] > div > div").evaluateAll((lines) => lines.map((l) => Number(l.children[1]?.textContent ?? 0)));
  const busiest = counts.indexOf(Math.max(...counts));
  await rooms.nth(busiest).click();
  expect(await list.table.locator("tbody tr").count()).toBeGreaterThan(20);
  const boxes = list.table.locator("input[name=conference]");
  await boxes.last().check();
  await list.assignSelected("LONG-ROOM");
  await expect(page.getByTestId("form-message")).toHaveText(assignedMessage("LONG-ROOM", 1));
  await expectBesideButton(page, page.getByTestId("billing-code-form").getByRole("button", { name: "Assign" }));
});

test("an invoiced month: Unallocated is plain text, its reason on hover and on focus, nothing to act on", async ({ page }) => {
  await logIn(page, OWNER);
  const previous = previousMonth().url;
  const reason = "Invoiced month: billing codes can no longer be changed";
  await page.goto(`/account?period=${previous}&sort=code`);
  await expect(page.getByTestId("cleanup-link")).toHaveCount(0);
  const locked = page.getByTestId("locked-unallocated").first();
  await locked.hover();
  await expect(page.getByRole("tooltip").filter({ hasText: reason }).first()).toBeVisible();
  await page.goto(`/account?period=${previous}`);
  const line = summaryLine(page).getByTestId("locked-unallocated");
  await line.focus();
  await expect(line).toHaveAccessibleDescription(reason);
  await expect(page.getByRole("tooltip", { name: reason })).toBeVisible();
  await page.goto(`/account/unallocated?period=${previous}`);
  await expect(page.getByTestId("cleanup-intro")).toContainText("is invoiced");
  await expect(page.locator("input[name=conference], input[name=all], input[name=code]")).toHaveCount(0);
  const cell = page.getByTestId("conference-list").getByTestId("locked-unallocated").first();
  await cell.focus();
  await expect(cell).toHaveAccessibleDescription(reason);
  await expect(page.getByTestId("conference-list").getByRole("link", { name: "Unallocated" })).toHaveCount(0);
});

/** A signed-in page on the clean-up of the open month (with `query`), "select all" ticked and a code typed. */
async function readyToAssign(browser: Browser, who: typeof OWNER, code: string, query = "", page?: Page) {
  const tab = page ?? (await (await browser.newContext({ locale: "en-US" })).newPage());
  if (!page) await logIn(tab, who);
  const cleanup = new CleanupPage(tab);
  await cleanup.open(`period=${currentMonth()}${query}`);
  const shown = await cleanup.matching();
  await cleanup.selectAll().check();
  await cleanup.codeField().fill(code);
  return { tab, cleanup, shown };
}

/** A count as the account writes it ("1 234"): its group separators dropped. */
const assignedCount = (text: string) => Number(text.match(/assigned to ([\d\s,]+) conference/)![1]!.replace(/\D/g, ""));

test("at once: one owner's two tabs with overlapping selections, and two accounts' owners — no foreign write, nothing lost or doubled", async ({ browser, page }) => {
  await logIn(page, OWNER);
  await page.goto(`/account?period=${currentMonth()}`);
  const total = Number((await summaryLine(page).innerText()).match(/(\d+) conference/)![1]);
  const room = await page.context().newPage();
  const one = await readyToAssign(browser, OWNER, "TAB-ONE", "", page);
  const two = await readyToAssign(browser, OWNER, "TAB-TWO", "&room=332703", room);
  const demo = await readyToAssign(browser, OWNER, "DEMO-AT-ONCE");
  const second = await readyToAssign(browser, SECOND, "SECOND-AT-ONCE");
  expect(one.shown).toBe(total);
  expect(two.shown).toBeGreaterThan(0);
  expect(second.shown).toBe(12);

  // The two tabs first, at once; then the other account's owner and the demo's again, at once.
  await Promise.all([one.cleanup.assignButton().click(), two.cleanup.assignButton().click()]);
  const [a, b] = [await one.cleanup.message().innerText(), await two.cleanup.message().innerText()];
  expect(assignedCount(a) + assignedCount(b)).toBe(total);
  expect(`${a} ${b}`).toMatch(/had been given a code by someone else meanwhile and kept it/);
  await Promise.all([demo.cleanup.assignButton().click(), second.cleanup.assignButton().click()]);
  await expect(second.cleanup.message()).toHaveText(assignedMessage("SECOND-AT-ONCE", 12));
  await expect(demo.cleanup.message()).toContainText(assignedMessage("DEMO-AT-ONCE", 0));

  await page.goto(`/account?period=${currentMonth()}&sort=code`);
  const countOf = async (code: string) => Number(normalise(await page.locator(`details[data-code='${code}'] summary > span`).nth(1).innerText()));
  expect((await countOf("TAB-ONE")) + (await countOf("TAB-TWO"))).toBe(total);
  await expect(page.locator("details[data-code='SECOND-AT-ONCE'], details[data-code='DEMO-AT-ONCE'], details[data-code='']")).toHaveCount(0);
  await second.tab.goto(`/account?period=${currentMonth()}&sort=code`);
  await expect(second.tab.locator("details[data-code]")).toHaveCount(1);
  await expect(second.tab.locator("details[data-code='SECOND-AT-ONCE'] summary > span").nth(1)).toHaveText("12");
  await second.tab.goto(`/account?period=${currentMonth()}`);
  await expect(summaryLine(second.tab)).toHaveText("None: every conference has a billing code");
});

test("screenshots: the clean-up page, the per-code list with Download and Print, an invoiced month", async ({ browser }) => {
  for (const lang of ["en", "fr"] as const) {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ locale: lang === "fr" ? "fr-FR" : "en-US", viewport: { width, height: 900 } });
      await context.addCookies([{ name: "lang", value: lang, url: test.info().project.use.baseURL! }]);
      const page = await context.newPage();
      await logIn(page, OWNER);
      const month = currentMonth();
      const [y, m] = month.split("-");
      const cleanup = new CleanupPage(page);
      await cleanup.open(`period=${month}&from=${y}-${m}-01&to=${y}-${m}-28`);
      await cleanup.selectAll().check();
      await screenshot(page, `s19/cleanup/cleanup-select-all-${lang}-${width}`);
      await cleanup.open(`period=${month}&room=332703`);
      await page.locator("input[name=conference]").first().check();
      await cleanup.codeField().fill("SHOT");
      await cleanup.assignButton().click();
      await expect(cleanup.message()).toBeVisible();
      await screenshot(page, `s19/cleanup/cleanup-confirmation-${lang}-${width}`);
      await page.goto(`/account/conferences?period=${month}&code=SALES-EU`);
      await expect(page.getByTestId("download")).toBeVisible();
      await screenshot(page, `s19/cleanup/code-list-${lang}-${width}`);
      await page.goto(`/account?period=${previousMonth().url}&sort=code`);
      await page.getByTestId("locked-unallocated").first().focus();
      await screenshot(page, `s19/cleanup/invoiced-summary-${lang}-${width}`);
      await context.close();
      await unallocateAgain(); // the room's few conferences of the month's first days serve every shot
    }
  }
});
