import { minorDigits } from "@/lib/format";

/** The largest budget accepted, in minor units: ten thousand million of the currency (far above any account's month). */
export const MAX_BUDGET_MINOR = 1_000_000_000_000;

export type AmountProblem = "required" | "text" | "decimals" | "positive" | "too-large";

/**
 * A budget typed by a person, in the account's currency, as integer minor units — read from the
 * digits, never through a float. Either decimal mark is taken ("250.50", "250,50"); spaces group
 * thousands, and so does the other mark when both are there ("1,250.50", "1.250,50") or a mark
 * that comes more than once ("1.250.000"). A single mark is the decimal one: "12.345" has three
 * decimals, not twelve thousand.
 */
export function parseAmount(input: string, currency: string): { minor: number } | { problem: AmountProblem } {
  const text = input.replace(/[\s\u00a0\u202f']/g, "");
  if (!text) return { problem: "required" };
  if (text.startsWith("-")) return { problem: "positive" };
  if (!/^\d[\d.,]*$/.test(text) || /[.,]$/.test(text)) return { problem: "text" };
  const marks = [...text.matchAll(/[.,]/g)].map((m) => m[0]);
  const decimalMark = marks.length && (new Set(marks).size === 2 || marks.length === 1) ? marks.at(-1) : undefined;
  const cut = decimalMark ? text.lastIndexOf(decimalMark) : text.length;
  const [grouped, fraction] = [text.slice(0, cut), text.slice(cut + 1)];
  if (/[.,]/.test(fraction) || !/^\d{1,3}([.,]\d{3})*$|^\d+$/.test(grouped) || new Set(grouped.match(/[.,]/g) ?? []).size > 1) return { problem: "text" };
  const digits = minorDigits(currency);
  if (fraction.replace(/0+$/, "").length > digits) return { problem: "decimals" };
  const minor = Number(grouped.replace(/[.,]/g, "")) * 10 ** digits + Number(fraction.padEnd(digits, "0").slice(0, digits) || 0);
  if (!Number.isSafeInteger(minor) || minor >= MAX_BUDGET_MINOR) return { problem: "too-large" };
  if (minor <= 0) return { problem: "positive" };
  return { minor };
}
