import { expect, test } from "@playwright/test";
import { normalise, UsagePage } from "./pages/account-page";
import { logIn, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ConferenceListPage, ConferencePage } from "./pages/room-page";
import { assignedMessage, previousMonth, screenshot, takeBackCodes } from "./support";

test.use({ locale: "en-US" });

// The codes this spec gives are taken back after each test: the demo's open month has only the
// few conferences of the days gone by, which the other specs need unallocated too.
test.afterEach(() => takeBackCodes(["E2E-Atlas", "BULK-E2E", "JBG-AUTO"]));

function currentMonth(): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit" }).format(new Date());
  return parts.slice(0, 7);
}


test("owner: account → room → conference; assign a code and see it everywhere", async ({ page }) => {
  await logIn(page, OWNER);
  const month = currentMonth();

  // The account page sorted by billing code shows Unallocated first.
  await page.goto(`/account?period=${month}&sort=code`);
  const byCode = page.getByTestId("code-usage");
  const unallocatedRow = byCode.locator("details[data-code='']");
  await expect(byCode.locator("details").first()).toHaveAttribute("data-code", "");
  const unallocatedBefore = Number(await unallocatedRow.locator("summary > span").nth(1).innerText());
  expect(unallocatedBefore).toBeGreaterThan(0);
  await unallocatedRow.locator("summary").click();
  await screenshot(page, "by-code-en");

  // Room page of the previous month: the seed's 19 conferences, 116,59 €.
  const list = new ConferenceListPage(page);
  await page.goto(`/account?period=${previousMonth().url}`);
  await page.getByTestId("room-usage").getByRole("link", { name: "Marilene BALLESTER" }).click();
  await expect(list.table).toBeVisible();
  expect((await list.total()).slice(-2)).toEqual(["23:50:16", "116,59 €"]);
  await expect(page.locator("input[name=conference]")).toHaveCount(0); // invoiced: no selection
  await expect(page.getByTestId("time-header")).toContainText(/Time \[GMT\+\d/);
  await screenshot(page, "room-owner-en");

  // An invoiced conference is read-only, with the reason.
  await list.table.locator("tbody tr a").first().click();
  await expect(page.getByTestId("locked-reason")).toHaveText("This month is invoiced: its billing codes can no longer be changed.");
  await expect(page.locator("#billing-code input[name=code]")).toHaveCount(0);
  await expect(page.getByTestId("participants")).toBeVisible();
  await screenshot(page, "conference-invoiced-en");

  // Current month: open an Unallocated conference, try bad codes, then assign one.
  await list.open("332703", month);
  await list.firstUnallocated().click();
  const conference = new ConferencePage(page);
  await expect(conference.currentCode()).toHaveText("Unallocated");
  const conferenceUrl = page.url();
  for (const [bad, message] of [
    ["bad code!", "Use only letters, digits and hyphens (no spaces or other signs)."],
    ["x".repeat(21), "A billing code has at most 20 characters."],
    ["", "Enter a billing code."],
  ] as const) {
    await conference.assign(bad);
    await expect(conference.fieldError()).toHaveText(message);
    await expect(page.locator("#billing-code input[name=code]")).toHaveAttribute("aria-invalid", "true");
  }
  await screenshot(page, "conference-bad-code-en");
  await page.reload();
  await expect(conference.currentCode()).toHaveText("Unallocated");
  await conference.assign("E2E-Atlas");
  await expect(conference.message()).toHaveText(assignedMessage("E2E-Atlas", 1));
  await page.goto(conferenceUrl);
  await expect(conference.currentCode()).toHaveText("E2E-Atlas");
  await expect(page.getByTestId("code-origin")).toContainText("assigned by Isabelle Laurent on");
  await screenshot(page, "conference-en");

  // Everywhere after a reload: the room page and the sort by code, with the same total.
  await list.open("332703", month);
  await expect(list.table.getByText("E2E-Atlas").first()).toBeVisible();
  await page.goto(`/account?period=${month}&sort=code`);
  await expect(page.locator("details[data-code='E2E-Atlas'] summary")).toContainText("1");
  expect(Number(await page.locator("details[data-code='']").locator("summary > span").nth(1).innerText())).toBe(unallocatedBefore - 1);
  const codeTotal = normalise(await page.getByTestId("code-usage").getByTestId("total").innerText());
  await page.goto(`/account?period=${month}`);
  const roomTotal = await new UsagePage(page).total();
  expect(codeTotal).toContain(roomTotal[1]!);
});

test("owner: bulk assignment across rooms from the Unallocated list, and auto billing code", async ({ page }) => {
  await logIn(page, OWNER);
  const month = currentMonth();
  await page.goto(`/account?period=${month}&sort=code`);
  await page.locator("details[data-code=''] summary").click();
  await page.locator("details[data-code='']").getByRole("link", { name: /Show the conferences/ }).click();
  await expect(page.getByRole("heading", { name: /Unallocated conferences/ })).toBeVisible();
  const list = new ConferenceListPage(page);
  const rooms = await list.table.locator("tbody tr td:nth-child(2)").allInnerTexts();
  expect(new Set(rooms).size).toBeGreaterThan(1);
  await screenshot(page, "unallocated-en");

  // Nothing selected: a clear message.
  await list.assignSelected("BULK-E2E");
  await expect(page.getByTestId("form-message")).toContainText("Select at least one conference.");
  await list.select(0);
  await list.select(1);
  await list.assignSelected("BULK-E2E");
  await expect(page.getByTestId("form-message")).toHaveText(assignedMessage("BULK-E2E", 2));
  await page.goto(`/account/conferences?period=${month}&code=BULK-E2E`);
  await expect(page.locator("input[name=conference]")).toHaveCount(2);

  // The auto billing code, applied to the room's unallocated conferences.
  await page.goto(`/account?period=${month}&display=all`);
  await page.getByTestId("room-usage").getByRole("row", { name: /36 095 8/ }).getByRole("link", { name: "Edit" }).click();
  await page.locator("input[name=code]").fill("bad code!");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("field-error")).toBeVisible();
  await page.locator("input[name=code]").fill("JBG-AUTO");
  await page.getByLabel(/Also give it to this room's unallocated conferences/).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("form-message")).toContainText("Auto billing code saved and given to");
  await screenshot(page, "auto-code-en");
  await page.goto(`/account?period=${month}&display=all`);
  await expect(page.getByTestId("room-usage").getByRole("row", { name: /36 095 8/ })).toContainText("JBG-AUTO");
  await page.goto(`/rooms/360958?period=${month}`);
  await expect(page.getByText("Unallocated")).toHaveCount(0);
});

test("room holder: own room and conferences only; foreign ids answer 404 and change nothing", async ({ page, browser }) => {
  // Find a foreign conference id as the owner.
  const ownerContext = await browser.newContext();
  const ownerPage = await ownerContext.newPage();
  await logIn(ownerPage, OWNER);
  await ownerPage.goto(`/rooms/320026?period=${currentMonth()}`);
  const foreignHref = (await ownerPage.getByTestId("conference-list").locator("tbody tr a").first().getAttribute("href"))!;
  const foreignId = foreignHref.split("/").pop()!;
  await ownerContext.close();

  await logIn(page, ROOM_HOLDER);
  await expect(page).toHaveURL(/\/rooms\/332703$/);
  const list = new ConferenceListPage(page);
  await expect(list.table).toBeVisible();
  await screenshot(page, "room-holder-en");
  await list.table.locator("tbody tr a").first().click();
  await expect(page.getByTestId("participants")).toBeVisible();

  for (const url of [foreignHref, `/rooms/332703/conferences/${foreignId}`, "/rooms/332703/conferences/99999999", "/rooms/332703/auto-code", "/account/conferences?code="]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
  }

  // Call the bulk action with a foreign conference id, as a forged form field: nothing changes.
  await list.open("332703", currentMonth());
  await page.getByTestId("billing-code-form").evaluate((form, id) => {
    const forged = document.createElement("input");
    Object.assign(forged, { type: "checkbox", name: "conference", value: `${id}:1`, checked: true, hidden: true });
    form.append(forged);
  }, foreignId);
  await list.assignSelected("HACKED");
  await expect(page.getByTestId("form-message")).toHaveText("This conference does not exist or is not yours to change.");
  await list.open("332703", currentMonth());
  await expect(list.table.getByText("HACKED")).toHaveCount(0);

  const ownerAgain = await browser.newContext();
  const check = await ownerAgain.newPage();
  await logIn(check, OWNER);
  await check.goto(foreignHref);
  await expect(check.getByTestId("current-code")).not.toHaveText("HACKED");
  await ownerAgain.close();
});
