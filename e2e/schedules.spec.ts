import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { LoginPage, OWNER, ROOM_HOLDER } from "./pages/login-page";
import { ReportsPage } from "./pages/reports-page";
import { SchedulesPage } from "./pages/schedules-page";
import { monthlySentence, screenshot } from "./support";

test.use({ locale: "en-US" });

const outbox = () => path.join(process.env.E2E_DATA_DIR!, "outbox");
const mails = () => {
  try {
    return readdirSync(outbox()).filter((f) => f.endsWith(".eml")).map((f) => readFileSync(path.join(outbox(), f), "utf8"));
  } catch {
    return [];
  }
};
/** Today's GMT day as the demo account (fr-FR) writes dates: "04/12/2026". */
const todayShown = () => new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }).format(new Date());
const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);


test("the owner schedules a report, sends it now, sees it delivered in the history, and a recipient unsubscribes", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);

  const schedules = new SchedulesPage(page);
  await schedules.openList();
  await expect(page.getByRole("heading", { name: "Scheduled reports" })).toBeVisible();
  await page.getByRole("link", { name: "Schedule a report" }).click();
  await expect(page).toHaveURL(/\/reports\/schedules\/new$/);

  // Bad input first: commas between addresses, an end date in the future. Nothing is saved.
  await schedules.fill({ name: "Weekly user status", report: "User status", frequency: "weekly", time: "07:30", range: "custom", from: "2026-01-01", to: tomorrow(), format: "csv", emails: "a@b.c,d@e.f" });
  await schedules.save();
  await expect(schedules.fieldError("emails")).toHaveText("Separate the addresses with spaces, not commas or semicolons: “a@b.c,d@e.f”.");
  await expect(schedules.fieldError("to")).toContainText(`The end date must not be in the future. Today is ${todayShown()} (GMT)`);
  await expect(page.locator("#f-name")).toHaveValue("Weekly user status", { timeout: 1000 });
  await screenshot(page, "schedule-form-errors-en");

  await schedules.fill({ range: "previous-week", emails: "reader@client.example finance@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+\?saved=created$/);
  await expect(page.getByTestId("saved-message")).toContainText("Schedule saved. Next delivery:");
  await expect(page.getByText("Every Monday at 07:30 GMT")).toBeVisible();

  // Send now: the history shows the run waiting, then delivered, without the page being loaded again.
  const reloads = await schedules.watchForReloads();
  const before = page.url();
  await page.getByTestId("send-now").click();
  await expect(page.getByText("Delivery started")).toBeVisible();
  await expect(schedules.latestRunStatus()).toContainText(/Waiting|Sending|Delivered/);
  await expect(schedules.latestRunStatus()).toContainText("Delivered", { timeout: 30_000 });
  expect(await reloads(), "no reload, no navigation").toEqual({ loads: 0, sameDocument: true, url: before });
  const history = page.getByTestId("history");
  await expect(history).toContainText("reader@client.example");
  await expect(history).toContainText("finance@client.example");
  await expect(history).toContainText("Send now");
  await screenshot(page, "schedule-history-en");

  // Without SMTP_URL the e-mails are .eml files: the report attached, a visible unsubscribe link.
  const sent = mails().filter((m) => /^To: reader@client\.example$/m.test(m));
  expect(sent).toHaveLength(1);
  const mail = sent[0]!;
  expect(mail).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  expect(mail).toMatch(/filename=report-602127-user-status-.*\.csv/);
  const link = /(http:\/\/localhost:\d+\/unsubscribe\?t=[\w.-]+)/.exec(mail.replace(/=\r?\n/g, "").replaceAll("=3D", "="))![1]!;

  await schedules.openList();
  await expect(page.getByTestId("schedules")).toContainText("Weekly user status");
  await expect(page.getByTestId("schedules")).toContainText("Delivered");
  await screenshot(page, "schedules-list-en");

  // The recipient's link works without a login; opening it changes nothing until the button.
  const recipient = await page.context().browser()!.newContext();
  const recipientPage = await recipient.newPage();
  await recipientPage.goto(link);
  await expect(recipientPage.getByText("Stop sending scheduled reports and spending alerts of MeetingOne Phoenix (602127) to reader@client.example?")).toBeVisible();
  await screenshot(recipientPage, "unsubscribe-en");
  await recipientPage.getByRole("button", { name: "Unsubscribe" }).click();
  await expect(recipientPage.getByTestId("unsubscribe-result")).toContainText("reader@client.example will no longer receive scheduled reports");
  await recipientPage.goto(link.replace(/.$/, (c) => (c === "A" ? "B" : "A")));
  await expect(recipientPage.getByTestId("unsubscribe-result")).toHaveText("This unsubscribe link is not valid. Use the link of the most recent e-mail.");
  await recipient.close();

  // The other recipient's mail client uses the RFC 8058 one-click POST of the List-Unsubscribe header.
  const finance = mails().find((m) => /^To: finance@client\.example$/m.test(m))!;
  const oneClick = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(finance)![1]!; // the header is folded
  const forged = await page.request.post(oneClick.replace(/.$/, (c) => (c === "A" ? "B" : "A")), { form: { "List-Unsubscribe": "One-Click" } });
  expect(forged.status()).toBe(404);
  const posted = await page.request.post(oneClick, { form: { "List-Unsubscribe": "One-Click" } });
  expect(posted.status()).toBe(200);

  await schedules.openList();
  await expect(page.getByTestId("schedules").getByText("unsubscribed")).toHaveCount(2);
  await expect(page.getByTestId("unsubscribed")).toContainText("finance@client.example · reader@client.example");
  await screenshot(page, "schedules-list-unsubscribed-en");

  // In French.
  await page.context().addCookies([{ name: "lang", value: "fr", url: page.url() }]);
  await schedules.openList();
  await expect(page.getByRole("heading", { name: "Rapports programmés" })).toBeVisible();
  await screenshot(page, "schedules-list-fr");
  await page.getByRole("link", { name: "Programmer un rapport" }).click();
  await page.locator("#f-protocol").selectOption("sftp");
  await page.locator("#f-host").fill("localhost; rm -rf /");
  await page.locator("#f-user").fill("depot");
  await page.locator("#f-password").fill("un mot de passe");
  await schedules.save();
  await expect(schedules.fieldError("host")).toHaveText("« localhost; rm -rf / » n'est ni un nom d'hôte ni une adresse IP.");
  await expect(page.locator("#f-password")).toHaveValue("un mot de passe");
  await screenshot(page, "schedule-form-fr");

  // Test upload to a loopback address: refused before any connection (the server does not allow private addresses).
  await page.locator("#f-host").fill("127.0.0.1");
  await page.getByRole("button", { name: "Tester le dépôt" }).click();
  await expect(page.getByTestId("test-result")).toHaveText("Le dépôt de test a échoué : 127.0.0.1 est une adresse privée, de bouclage ou lien-local (127.0.0.1) : les rapports programmés ne sont pas livrés à l'intérieur du réseau du fournisseur.");
  await expect(page.locator("#f-password")).toHaveValue("un mot de passe");
  await screenshot(page, "schedule-test-upload-fr");
});

test("Schedule this report keeps the report's type, filters and range", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.getByRole("link", { name: "Scheduled reports" }).click();
  await expect(page).toHaveURL(/\/reports\/schedules$/);
  await page.goto("/reports/schedules/new?type=usage&range=last-7-days&product=audio");
  await expect(page.locator("#f-report")).toHaveValue("type=usage&product=audio");
  await expect(page.locator("#f-report option:checked")).toHaveText("Usage — Filters: Products: Audio");
  await expect(page.locator("#f-name")).toHaveValue("Usage");
  await expect(page.locator("#f-range")).toHaveValue("previous-7-days");
});

test("from a Previous month report, Schedule this report: Previous month, the monthly next run's dates, the filters in words", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  const reports = new ReportsPage(page);
  await reports.open();
  await reports.chooseType("Activity");
  await reports.chooseRange("Previous month");
  await reports.selectMatching("cardholder", "marilene");
  await reports.show();
  await expect(page).toHaveURL(/range=previous-month/);
  await page.getByTestId("schedule-this-report").click();
  await expect(page).toHaveURL(/\/reports\/schedules\/new\?/);

  await expect(page.locator("#f-range")).toHaveValue("previous-month");
  await expect(page.getByTestId("range-note")).toHaveText("As in the report: Previous month.");
  await expect(page.getByTestId("schedule-filters")).toHaveText("Filters: Cardholders: Marilene BALLESTER");
  await expect(page.locator("#f-report option:checked")).toHaveText("Activity — Filters: Cardholders: Marilene BALLESTER");
  await page.locator("#f-frequency").selectOption("monthly");
  await expect(page.locator("#f-range")).toHaveValue("previous-month", { timeout: 1000 });
  const sentence = monthlySentence();
  await expect(page.getByTestId("next-run-sentence")).toHaveText(sentence.en);
  await page.locator("#f-time").fill("07:30");
  await expect(page.getByTestId("next-run-sentence")).toHaveText(sentence.en.replace("06:00", "07:30"));
  await page.locator("#f-time").fill("06:00");

  const schedules = new SchedulesPage(page);
  await schedules.fill({ name: "Month end activity", emails: "finance@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+\?saved=created$/);
  await expect(page.getByTestId("summary-range")).toHaveText("Previous month");
  await expect(page.getByTestId("summary-next-run")).toHaveText(sentence.en);
  await expect(page.getByTestId("summary-filters")).toHaveText("Filters: Cardholders: Marilene BALLESTER");
  await expect(page.getByText("On day 1 of every month at 06:00 GMT")).toBeVisible();

  await page.context().addCookies([{ name: "lang", value: "fr", url: page.url() }]);
  await page.reload();
  await expect(page.getByTestId("summary-range")).toHaveText("Mois précédent");
  await expect(page.getByTestId("summary-next-run")).toHaveText(sentence.fr);
  await expect(page.getByTestId("summary-filters")).toHaveText("Filtres : Titulaires : Marilene BALLESTER");
});

test("a fresh schedule's range follows its frequency until one is chosen, with JavaScript and without", async ({ page, browser }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/reports/schedules/new");
  const range = page.locator("#f-range");
  await expect(range).toHaveValue("previous-day");
  await page.locator("#f-frequency").selectOption("weekly");
  await expect(range).toHaveValue("previous-week");
  await page.locator("#f-frequency").selectOption("monthly");
  await expect(range).toHaveValue("previous-month");
  await expect(page.getByTestId("next-run-sentence")).toHaveText(monthlySentence().en);
  await range.selectOption("previous-7-days");
  await page.locator("#f-frequency").selectOption("daily");
  await expect(range).toHaveValue("previous-7-days", { timeout: 1000 });

  // Without JavaScript: the server gives the range of the frequency sent.
  const noScript = await browser.newContext({ javaScriptEnabled: false, locale: "en-US", storageState: await page.context().storageState() });
  const plain = await noScript.newPage();
  await plain.goto(new URL("/reports/schedules/new", page.url()).toString());
  await expect(plain.getByTestId("next-run-sentence")).toContainText("GMT: ");
  await plain.locator("#f-name").fill("Monthly without JavaScript");
  await plain.locator("#f-frequency").selectOption("monthly");
  await plain.locator("#f-emails").fill("books@client.example");
  await plain.locator("button[name=intent][value=save]").click();
  await expect(plain).toHaveURL(/\/reports\/schedules\/\d+\?saved=created$/);
  await expect(plain.getByTestId("summary-range")).toHaveText("Previous month");
  await expect(plain.getByTestId("summary-next-run")).toHaveText(monthlySentence().en);
  await noScript.close();
});

test("a room holder has no scheduled reports: 404", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(ROOM_HOLDER);
  await expect(page).toHaveURL(/\/rooms\//);
  for (const url of ["/reports/schedules", "/reports/schedules/new", "/reports/schedules/1"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(404);
  }
});

test("a room holder replaying the owner's Test upload or save is answered as for an unknown schedule, and nothing is tried", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/reports/schedules/new");
  await page.locator("#f-protocol").selectOption("sftp");
  await page.locator("#f-host").fill("127.0.0.1");
  await page.locator("#f-user").fill("depot");
  await page.locator("#f-password").fill("a password");
  // The owner's own requests, as an attacker would copy them from the page.
  const action = (r: { method: () => string; headers: () => Record<string, string> }) => r.method() === "POST" && Boolean(r.headers()["next-action"]);
  const [test] = await Promise.all([page.waitForRequest(action), page.getByRole("button", { name: "Test upload" }).click()]);
  await expect(page.getByTestId("test-result")).toContainText("private, loopback or link-local address");
  const [save] = await Promise.all([page.waitForRequest(action), page.locator("button[name=intent][value=save]").click()]);
  await save.response();

  const holder = await page.context().browser()!.newContext({ locale: "en-US" });
  const holderPage = await holder.newPage();
  const holderLogin = new LoginPage(holderPage);
  await holderPage.goto(new URL("/login", page.url()).toString());
  await holderLogin.logIn(ROOM_HOLDER);
  await expect(holderPage).toHaveURL(/\/rooms\//);
  for (const request of [test, save]) {
    const headers = Object.fromEntries(Object.entries(await request.allHeaders()).filter(([name]) => !["cookie", "content-length", "host"].includes(name)));
    const response = await holderPage.request.post(request.url(), { headers, data: request.postDataBuffer()! });
    const body = await response.text();
    expect(body, "answered like an unknown schedule").toContain("This schedule does not exist or is not yours to change.");
    expect(body, "the destination was never tried").not.toContain("private, loopback or link-local");
    expect(body).not.toContain("This conference does not exist");
  }
  await holder.close();
});

test("a run that skipped an unsubscribed address is Partly delivered; a cancelled schedule keeps a read-only page with its history", async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.logIn(OWNER);
  await expect(page).toHaveURL(/\/account$/);
  const schedules = new SchedulesPage(page);
  await page.goto("/reports/schedules/new");
  await schedules.fill({ name: "Month-end pack", report: "User status", frequency: "daily", time: "05:00", range: "previous-day", format: "csv", emails: "leaver@partly.example keeper@partly.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+\?saved=created$/);
  const scheduleUrl = page.url().replace(/\?.*$/, "");

  // The first run reaches both; then one recipient unsubscribes (the one-click link of its e-mail).
  await page.getByTestId("send-now").click();
  await expect(schedules.latestRunStatus()).toContainText("Delivered", { timeout: 30_000 });
  const leaver = mails().find((m) => /^To: leaver@partly\.example$/m.test(m))!;
  const oneClick = /^List-Unsubscribe:\s*<([^>]+)>/m.exec(leaver)![1]!;
  expect((await page.request.post(oneClick, { form: { "List-Unsubscribe": "One-Click" } })).status()).toBe(200);

  const reloads = await schedules.watchForReloads();
  const action = (r: { method: () => string; headers: () => Record<string, string> }) => r.method() === "POST" && Boolean(r.headers()["next-action"]);
  const [sendRequest] = await Promise.all([page.waitForRequest(action), page.getByTestId("send-now").click()]);
  await expect(schedules.latestRunStatus()).toContainText("Partly delivered", { timeout: 30_000 });
  expect(await reloads()).toEqual({ loads: 0, sameDocument: true, url: scheduleUrl + "?saved=created" });
  const latest = page.getByTestId("history").locator("tbody tr").first();
  await expect(latest).toContainText("This address unsubscribed from the account's reports: nothing was sent to it.");

  // Cancelled: listed as such, its page read only, its history kept.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Cancel the schedule" }).click();
  await expect(page).toHaveURL(/\/reports\/schedules\?cancelled=1$/);
  await expect(page.getByTestId("schedules")).not.toContainText("Month-end pack");
  const cancelledList = page.getByTestId("cancelled-schedules");
  await expect(cancelledList).toContainText("Month-end pack");
  await cancelledList.getByRole("link", { name: "Month-end pack" }).click();
  await expect(page).toHaveURL(scheduleUrl);
  await expect(page.getByTestId("cancelled-schedule")).toContainText("This schedule was cancelled on");
  await expect(page.getByTestId("send-now")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel the schedule" })).toHaveCount(0);
  await expect(page.locator("#f-name")).toHaveCount(0);
  await expect(page.getByTestId("history").locator("tbody tr")).toHaveCount(2);
  await expect(schedules.latestRunStatus()).toContainText("Partly delivered");

  // Send now replayed on the cancelled schedule: refused with a message, nothing sent.
  const headers = Object.fromEntries(Object.entries(await sendRequest.allHeaders()).filter(([name]) => !["cookie", "content-length", "host"].includes(name)));
  const replay = await page.request.post(sendRequest.url(), { headers, data: sendRequest.postDataBuffer()! });
  expect(replay.status()).toBe(200);
  expect(await replay.text()).toContain("This schedule does not exist or is not yours to change.");
  await page.reload();
  await expect(page.getByTestId("history").locator("tbody tr")).toHaveCount(2);
});
