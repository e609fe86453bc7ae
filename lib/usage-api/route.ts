import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { AccountScope } from "@/lib/auth/scope";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { authenticateUsageKey } from "./auth";

type Issue = { parameter: string; message: string };

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "private, no-cache", ...headers } });

const refused = (issues: Issue[]) => json(400, { error: `Bad request: ${issues.map((i) => `${i.parameter} ${i.message}`).join("; ")}.`, issues });

function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => {
    const parameter = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : String(issue.path[0] ?? "query");
    return { parameter, message: issue.code === "unrecognized_keys" ? "is not a parameter of this endpoint" : issue.message };
  });
}

/** The query string as an object; a parameter given twice is refused rather than one of its values picked. */
function queryOf(url: URL): { values: Record<string, string> } | { repeated: string[] } {
  const keys = [...url.searchParams.keys()];
  const repeated = [...new Set(keys.filter((k, i) => keys.indexOf(k) !== i))];
  return repeated.length ? { repeated } : { values: Object.fromEntries(url.searchParams) };
}

/** A strong ETag of the body: the same answer, the same tag, whatever server makes it. */
const etagOf = (body: string) => `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
const matches = (ifNoneMatch: string | null, etag: string) => !!ifNoneMatch && (ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag));

/**
 * An answer already written as JSON (by PostgreSQL, for the pages of conferences): sent as it is,
 * not parsed and written again.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

type Context = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * A GET of the usage API: the key is checked and counted (401, 429 with Retry-After), the query
 * and path parameters parsed by their zod schemas (400 with each problem, never 500), the handler
 * run in the key's account scope (a record outside it: 404), and the JSON answer tagged with an
 * ETag (304 when If-None-Match has it).
 */
export function usageGet<Q extends z.ZodType, P extends z.ZodType = z.ZodObject>(
  schemas: { query: Q; params?: P },
  handler: (scope: AccountScope, input: { query: z.output<Q>; params: z.output<P> }) => Promise<unknown>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    const key = await authenticateUsageKey(request.headers.get("authorization"));
    if (!key.ok && key.status === 401) return json(401, { error: "A valid usage API key is required: Authorization: Bearer <key>. Keys are made by the account's owner in the portal." }, { "www-authenticate": 'Bearer realm="usage"' });
    if (!key.ok) return json(429, { error: `Too many requests for this key; try again in ${key.retryAfterS} s.` }, { "retry-after": String(key.retryAfterS) });

    const query = queryOf(new URL(request.url));
    if ("repeated" in query) return refused(query.repeated.map((parameter) => ({ parameter, message: "is given more than once" })));
    const parsedQuery = schemas.query.safeParse(query.values);
    const parsedParams = (schemas.params ?? z.object({})).safeParse((await context.params) ?? {});
    const issues = [...(parsedParams.success ? [] : issuesOf(parsedParams.error)), ...(parsedQuery.success ? [] : issuesOf(parsedQuery.error))];
    if (issues.length || !parsedQuery.success || !parsedParams.success) return refused(issues);

    let result: unknown;
    try {
      result = await handler(key.scope, { query: parsedQuery.data, params: parsedParams.data as z.output<P> });
    } catch (error) {
      if (error instanceof NotFoundError) return json(404, { error: `Not found: ${error.message}.` });
      if (error instanceof ValidationError) return refused([{ parameter: error.field ?? "query", message: error.message }]);
      console.error("usage API failed", error);
      return json(500, { error: "The request could not be answered; try again." });
    }
    const body = result instanceof JsonText ? result.text : JSON.stringify(result);
    const etag = etagOf(body);
    if (matches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: { etag, "cache-control": "private, no-cache" } });
    return new Response(body, { status: 200, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "private, no-cache", etag } });
  };
}
