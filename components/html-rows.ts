/**
 * Long usage tables (2,000 rooms, 2,000 conferences, 300 participants) render their lines as one
 * HTML string: a React element per cell costs ~0.15 ms a line in RSC serialisation, HTML
 * rendering and GC, which a 2,000-line page cannot afford. Every value goes through `esc`.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const esc = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A cell: `cls` is a trusted class list, `html` is already-escaped markup. */
export const td = (html: string, cls = "") => (cls ? `<td class="${cls}">${html}</td>` : `<td>${html}</td>`);

export const link = (href: string, text: string, cls = "", attributes = "") => `<a href="${esc(href)}"${cls ? ` class="${cls}"` : ""}${attributes ? ` ${attributes}` : ""}>${esc(text)}</a>`;
