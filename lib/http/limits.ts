/**
 * What the HTTP server accepts, and the page it answers with when a request is refused before it
 * reaches Next: an address too long (414), headers too large (431), a request that did not arrive
 * in time (408) or that is not HTTP (400). Plain TypeScript for scripts/serve.ts.
 */
import { createHash } from "node:crypto";
import { baselineHeaders, type SecurityOptions } from "./security-headers";

/** The longest address (path and query): what a request's 16 KiB used to allow in all. */
const MAX_URL_BYTES = 16 * 1024;
/** The longest path: the portal's are under 100 bytes (long parts go in the query). */
const MAX_PATH_BYTES = 2 * 1024;
/** Every header field together, the address apart: Node's own default for the whole request. */
const MAX_HEADER_BYTES = 16 * 1024;
/**
 * What Node's parser reads before it gives up (the server answers 431 at once: which part was too
 * long is not known then); between the limits above and this one the request is read whole, so
 * the answer says which part it was.
 */
export const PARSER_MAX_HEADER_BYTES = 64 * 1024;

export type RefusalStatus = 400 | 408 | 414 | 431;

const REASONS: Record<RefusalStatus, string> = { 400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long", 431: "Request Header Fields Too Large" };

const TEXTS: Record<RefusalStatus, { en: [string, string]; fr: [string, string] }> = {
  414: {
    en: ["This address is too long", "The link is longer than the portal accepts. Reports with long selections get a short link of their own: open Reports and build the report again."],
    fr: ["Cette adresse est trop longue", "Le lien dépasse ce que le portail accepte. Les rapports aux longues sélections reçoivent un lien court : ouvrez Rapports et composez à nouveau le rapport."],
  },
  431: {
    en: ["The request is too large", "Your browser sent a longer address, or more cookies or headers, than the portal accepts (16 KB). If this keeps happening, delete this site's cookies, then log in again."],
    fr: ["La requête est trop volumineuse", "Votre navigateur a envoyé une adresse plus longue, ou plus de cookies ou d'en-têtes, que le portail n'en accepte (16 Ko). Si cela se reproduit, supprimez les cookies de ce site, puis reconnectez-vous."],
  },
  408: {
    en: ["The request took too long", "The request did not arrive in full in time. Please try again."],
    fr: ["La requête a pris trop de temps", "La requête n'est pas arrivée en entier à temps. Veuillez réessayer."],
  },
  400: {
    en: ["The request could not be read", "The portal could not read this request. Please go back and try again."],
    fr: ["La requête est illisible", "Le portail n'a pas pu lire cette requête. Revenez en arrière et réessayez."],
  },
};

const STYLE = "body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:38rem;padding:0 1rem;color:#1e293b}h1{font-size:1.4rem;color:#0c2d5b}p{line-height:1.5}a{color:#1d4ed8}";
const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");

/** The refusal page, in English and French (the request's language is not known when it cannot be read). */
export function refusalPage(status: RefusalStatus): string {
  const { en, fr } = TEXTS[status];
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} ${en[0]}</title><style>${STYLE}</style></head><body>` +
    `<h1>${en[0]}</h1><p>${en[1]}</p><h1 lang="fr">${fr[0]}</h1><p lang="fr">${fr[1]}</p><p><a href="/">Home · Accueil</a></p></body></html>`
  );
}

/** The refusal's headers: the baseline, with a policy that lets the page's one style block apply. */
export function refusalHeaders(options: SecurityOptions, bodyBytes: number): [string, string][] {
  return [
    ...baselineHeaders(options).map(([name, value]): [string, string] => (name === "Content-Security-Policy" ? [name, `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`] : [name, value])),
    ["Content-Type", "text/html; charset=utf-8"],
    ["Content-Length", String(bodyBytes)],
    ["Cache-Control", "no-store"],
    ["Connection", "close"],
  ];
}

/** The whole response as bytes, for a connection whose request could not be parsed (no response object exists). */
export function rawRefusal(status: RefusalStatus, options: SecurityOptions): Buffer {
  const body = Buffer.from(refusalPage(status));
  const head = [`HTTP/1.1 ${status} ${REASONS[status]}`, ...refusalHeaders(options, body.length).map(([name, value]) => `${name}: ${value}`)].join("\r\n");
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body]);
}

/** Which limit a parsed request is over, if any: its address (414) or its header fields (431). */
export function overLimit(url: string, rawHeaders: string[]): RefusalStatus | undefined {
  const query = url.indexOf("?");
  if (Buffer.byteLength(url) > MAX_URL_BYTES || (query === -1 ? url.length : query) > MAX_PATH_BYTES) return 414;
  let bytes = 0;
  for (const field of rawHeaders) bytes += Buffer.byteLength(field) + 2;
  return bytes > MAX_HEADER_BYTES ? 431 : undefined;
}

/** The status for a request Node's parser refused: too large (431), not complete in time (408), or not HTTP (400). */
export function clientErrorStatus(code: string | undefined): RefusalStatus {
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  return code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
}
