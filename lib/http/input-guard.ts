/**
 * Input no page, form or file of the portal ever takes, refused before it reaches a route: text
 * that is not UTF-8, control characters (PostgreSQL refuses NUL in text: the query failed, 500)
 * and bidirectional controls (they make a code or a name read differently from what it is).
 * Plain TypeScript: the proxy and the form actions both use it.
 */

/** C0 and C1 controls, DEL, and the bidi marks, embeddings, overrides and isolates. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** The same, but tab, line feed and carriage return, which a multi-line field (a private key) holds. */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** The longest path segment of any route (room numbers, ids and route names are all far shorter). */
const MAX_SEGMENT_BYTES = 256;

/** Whether a form value holds a character no field of the portal takes (line breaks allowed). */
export const hasForbiddenText = (value: string) => CONTROLS_BUT_LINES.test(value);

/** A percent-encoded component decoded, or undefined when its bytes are not UTF-8. */
function decode(raw: string, plusIsSpace: boolean): string | undefined {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, " ") : raw);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a request's address, if anything: a path segment or a query parameter
 * (name or value) that is not UTF-8 once decoded or holds a control or bidi character, or a path
 * segment longer than any route has. `pathname` and `search` are as sent, still percent-encoded.
 */
export function addressProblem(pathname: string, search: string): string | undefined {
  for (const raw of pathname.split("/")) {
    const segment = decode(raw, false);
    if (segment === undefined) return "a path segment is not UTF-8";
    if (CONTROLS.test(segment)) return "a path segment holds a control character";
    if (new TextEncoder().encode(segment).length > MAX_SEGMENT_BYTES) return "a path segment is too long";
  }
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const text = decode(pair, true);
    if (text === undefined) return "a query parameter is not UTF-8";
    if (CONTROLS.test(text)) return "a query parameter holds a control character";
  }
  return undefined;
}
