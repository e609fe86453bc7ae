/**
 * HTML built as strings, escaped by default. Long usage tables (2,000 rooms, 2,000 conferences,
 * 300 participants) render their lines as one HTML string: a React element per cell costs ~0.15 ms
 * a line in RSC serialisation, HTML rendering and GC, which a 2,000-line page cannot afford. The
 * HTML report file and the report download's error page are written the same way.
 *
 * `html` is the only way to make such markup: every interpolated value is escaped unless it is
 * itself the result of `html` (or of `trustedHtml`, the one escape hatch, for markup that another
 * library drew). React gets it through `innerHtml`, which takes nothing else.
 */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const SPECIAL = /[&<>"']/;
const SPECIAL_ALL = /[&<>"']/g;
const escapeChar = (c: string) => ESCAPES[c]!;

/** Text as HTML, for element content and quoted attribute values alike. */
function escapeHtml(value: string | number): string {
  const text = String(value);
  // Most values (numbers, dates, names) have nothing to escape: one test, no new string.
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, escapeChar) : text;
}

/** Markup that is safe to insert as it is. Made only by `html` and `trustedHtml`. */
class SafeHtml {
  // A private member makes the type nominal: a plain string or `{ text }` is not one.
  private declare readonly brand: never;
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
export type { SafeHtml };

/**
 * What `html` accepts between its literal parts: text and numbers (escaped), safe markup (as it
 * is), lists of those (joined), and nothing (`null`, `undefined`, `false`) for optional pieces.
 */
type HtmlValue = string | number | SafeHtml | null | undefined | false | readonly HtmlValue[];

function piece(value: HtmlValue): string {
  if (typeof value === "string" || typeof value === "number") return escapeHtml(value);
  if (value instanceof SafeHtml) return value.text;
  if (value === null || value === undefined || value === false) return "";
  let joined = "";
  for (const item of value) joined += piece(item);
  return joined;
}

/** A template of trusted markup whose every interpolation is escaped (or inserted as it is when already safe). */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let text = strings[0]!;
  for (let i = 0; i < values.length; i++) text += piece(values[i]!) + strings[i + 1]!;
  return new SafeHtml(text);
}

/**
 * The escape hatch: markup taken as it is, unescaped. Only for markup the code itself or a library
 * made (an SVG drawn by qrcode), never for anything holding a user's or a file's text.
 */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** For `dangerouslySetInnerHTML`: only markup made by `html` (or `trustedHtml`), never a plain string. */
export function innerHtml(markup: SafeHtml): { __html: string } {
  return { __html: markup.text };
}
