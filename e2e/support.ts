import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";

/** Saves a full-page screenshot under screenshots/ for a person to look at. */
export async function screenshot(page: Page, name: string) {
  mkdirSync("screenshots", { recursive: true });
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/** The previous month as the URL writes it and as the selector names it, from the Paris calendar. */
export function previousMonth(locale: "en" | "fr" = "en"): { url: string; label: string } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  const prev = month === 1 ? { y: year - 1, m: 12 } : { y: year, m: month - 1 };
  const label = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(Date.UTC(prev.y, prev.m - 1, 1));
  return { url: `${prev.y}-${String(prev.m).padStart(2, "0")}`, label: label.charAt(0).toUpperCase() + label.slice(1) };
}
