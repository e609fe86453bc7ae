/**
 * The one formula-safety rule of every export. A spreadsheet takes text that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return for a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`,
 * `@SUM(1+1)`), and such text arrives in caller and cardholder names stored by ingest.
 *
 * - In .xlsx (lib/export/workbook.ts) that text is a string cell with Excel's quote-prefix style:
 *   never a formula, and the value itself unchanged (`+33 7 94 39 18 55` reads back as it is).
 * - In CSV, which has no styles, it gets a leading `'` — unless it is a plain number or a phone
 *   number, which programs read as they are and which, with no names or references in them, can
 *   compute nothing harmful.
 */

/** = + - @ tab CR */
export function startsLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
}

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;
/**
 * A phone number: an optional leading `+`, then digits grouped by spaces, dots, hyphens or
 * brackets. No `+` further on and at least six digits, so that a short sum such as `+2-3` is not
 * one (and `-2+3` starts with `-`, which no phone number does).
 */
const PHONE_NUMBER = /^\+?[\d (][\d ().-]*$/;
const MIN_PHONE_DIGITS = 6;

function isPhoneNumber(text: string): boolean {
  if (!PHONE_NUMBER.test(text)) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits >= MIN_PHONE_DIGITS) return true;
  }
  return false;
}

/** A text value for a CSV file: a leading `'` when a spreadsheet would take it for a formula. */
export function csvText(text: string): string {
  return startsLikeFormula(text) && !PLAIN_NUMBER.test(text) && !isPhoneNumber(text) ? `'${text}` : text;
}
