/**
 * The one formula-safety rule of every export. A spreadsheet takes text that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return for a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`,
 * `@SUM(1+1)`), and such text arrives in caller and cardholder names stored by ingest. Plain
 * numbers and phone numbers are exempt: with no names or references in them they can compute
 * nothing harmful, and a mark on them would show (`'+33 4 18 30 29 54`).
 *
 * - In .xlsx (lib/export/workbook.ts) guarded text is a string cell with Excel's quote-prefix
 *   style: never a formula, and the value itself unchanged. Phone number columns are in the Text
 *   format besides, which keeps their text text when edited, without any mark.
 * - In CSV, which has no styles, guarded text gets a leading `'`.
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

/** Whether a spreadsheet would take the text for a formula that could compute something: the text to guard. */
export function needsFormulaGuard(text: string): boolean {
  return startsLikeFormula(text) && !PLAIN_NUMBER.test(text) && !isPhoneNumber(text);
}

/** A text value for a CSV file: a leading `'` when a spreadsheet would take it for a formula. */
export const csvText = (text: string): string => (needsFormulaGuard(text) ? `'${text}` : text);
