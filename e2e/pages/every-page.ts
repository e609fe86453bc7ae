import { expect, type Page } from "@playwright/test";
import { previousMonth } from "../support";
import { ReportsPage } from "./reports-page";
import { SchedulesPage } from "./schedules-page";

/** A page to visit: a short name (for screenshots and messages) and its address. */
export type PageVisit = [name: string, url: string];

export const PUBLIC_PAGES: PageVisit[] = [
  ["login", "/login"],
  ["unsubscribe", "/unsubscribe?t=expired"],
];

/** The first conference of the demo room in the previous month, as its link gives it. */
async function aConference(page: Page): Promise<string> {
  await page.goto(`/rooms/332703?period=${previousMonth().url}`);
  return (await page.locator('a[href^="/rooms/332703/conferences/"]').first().getAttribute("href"))!;
}

/** A report shown by the builder: conference rooms of the past 12 months for one cardholder. */
async function aReport(page: Page): Promise<string> {
  const reports = new ReportsPage(page);
  await reports.open();
  await reports.chooseType("Conference rooms");
  await reports.chooseRange("Past 12 months");
  await reports.selectMatching("cardholder", "marilene");
  await reports.show();
  await expect(reports.table).toBeVisible();
  return new URL(page.url()).pathname + new URL(page.url()).search;
}

/** A schedule with a delivery in its history: the account's first, or one made through the form. */
async function aSchedule(page: Page): Promise<string> {
  await page.goto("/reports/schedules");
  const existing = page.locator('a[href^="/reports/schedules/"]:not([href$="/new"])').first();
  if (await existing.count()) return (await existing.getAttribute("href"))!;
  const schedules = new SchedulesPage(page);
  await page.goto("/reports/schedules/new");
  await schedules.fill({ name: "Every page", report: "User status", frequency: "weekly", time: "07:30", range: "previous-week", format: "xlsx", emails: "every-page@client.example" });
  await schedules.save();
  await expect(page).toHaveURL(/\/reports\/schedules\/\d+/);
  await page.getByTestId("send-now").click();
  await expect(schedules.latestRunStatus()).toContainText(/Delivered|Sending|Waiting|Failed/);
  return new URL(page.url()).pathname;
}

/** Every page of the account's owner (logged in on `page`), with a conference, a report and a schedule to open. */
export async function ownerPages(page: Page): Promise<PageVisit[]> {
  const month = previousMonth().url;
  const [conference, report, schedule] = [await aConference(page), await aReport(page), await aSchedule(page)];
  return [
    ["account-open", "/account"],
    ["account", `/account?period=${month}`],
    ["account-by-code", `/account?period=${month}&sort=code`],
    ["account-conferences", `/account/conferences?period=${month}`],
    ["cleanup", "/account/unallocated"],
    ["room", `/rooms/332703?period=${month}`],
    ["conference", conference],
    ["auto-code", "/rooms/332703/auto-code"],
    ["reports", "/reports"],
    ["report", report],
    ["phone-rates", "/reports?type=phone-numbers"],
    ["report-out-of-range", "/reports?type=usage&range=custom&from=2020-01-01&to=2020-02-01"],
    ["schedules", "/reports/schedules"],
    ["schedule-new", "/reports/schedules/new"],
    ["schedule", schedule],
    ["sessions", "/sessions"],
    ["security", "/security"],
    ["alerts", "/account/alerts"],
    ["not-found", "/rooms/999999"],
  ];
}

/** Every page of the demo room's holder (logged in on `page`). */
export async function holderPages(page: Page): Promise<PageVisit[]> {
  const month = previousMonth().url;
  return [
    ["room-open", "/rooms/332703"],
    ["room", `/rooms/332703?period=${month}`],
    ["conference", await aConference(page)],
    ["sessions", "/sessions"],
    ["security", "/security"],
  ];
}
