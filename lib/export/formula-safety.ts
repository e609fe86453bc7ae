/**
 * The one formula-safety rule of every export. A spreadsheet takes text that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return for a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`,
 * `@SUM(1+1)`), and such text arrives in caller and cardholder names stored by ingest.
 *
 * - In .xlsx (lib/export/workbook.ts) that text is a string cell with Excel's quote-prefix style:
 *   never a formula, and the value itself unchanged (`+33 7 94 39 18 55` reads back as it is).
 */

/** = + - @ tab CR */
export function startsLikeFormula(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
}
