/**
 * The OpenAPI 3.1 document of the portal's API, generated from the zod schemas the routes parse
 * with (lib/usage-api/schemas.ts): the read-only usage API and the CDR ingest. Served at
 * /api/v1/openapi.json, rendered at /api/docs; scripts/examples/usage-api.d.ts is generated from it.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { codeTotals, conferenceIdParam, conferencePage, conferencesQuery, legPage, legsQuery, problem, roomTotals, totalsQuery } from "./schemas";

const jsonOf = (schema: z.ZodType) => ({ "application/json": { schema } });
const errorResponse = (description: string): ResponseConfig => ({ description, content: jsonOf(problem) });

/** What every GET of the usage API may answer besides its 200. */
const usageErrors: Record<string, ResponseConfig> = {
  304: { description: "Not modified: the `If-None-Match` header names this answer's ETag." },
  400: errorResponse("A query parameter is missing, unknown, repeated or malformed: `issues` says which and why."),
  401: errorResponse("No key, or a key that is unknown or revoked."),
  429: {
    description: "Too many requests for this key this minute.",
    headers: { "Retry-After": { description: "Seconds until the key may ask again.", schema: { type: "integer" } } },
    content: jsonOf(problem),
  },
};
const etag = { ETag: { description: "Send it back as `If-None-Match` to get 304 while nothing changed.", schema: { type: "string" as const } } };
const ok = (description: string, schema: z.ZodType): ResponseConfig => ({ description, headers: etag, content: jsonOf(schema) });

const cdrRow = z
  .object({
    leg_id: z.string().meta({ description: "The bridge's id of the leg, unique per account: a leg sent again is a duplicate, counted and not changed." }),
    conference_id: z.string().meta({ description: "The bridge's id of the conference the leg belongs to." }),
    room_number: z.string().meta({ description: "The room (6 digits) of the key's account.", example: "332703" }),
    service_type: z.enum(["toll", "toll-free", "dial-out", "voip", "operator-assisted"]),
    started_at: z.string().meta({ description: "ISO 8601 with an offset.", example: "2026-05-04T10:30:00+02:00" }),
    ended_at: z.string().meta({ description: "ISO 8601 with an offset.", example: "2026-05-04T11:02:10+02:00" }),
    caller_name: z.string().optional(),
    caller_number: z.string().optional(),
    dialed_number: z.string().optional(),
    billing_code: z.string().optional().meta({ description: "Typed on the keypad: 1 to 20 letters, digits or hyphens." }),
    product: z.enum(["audio", "web", "webinar", "training"]).optional(),
  })
  .meta({ id: "CdrRow", description: "One leg: a CSV line (with a header row naming these columns) or an NDJSON line." });

const cdrProblem = z
  .object({
    error: z.string(),
    errors: z.array(z.object({ line: z.int(), field: z.string(), message: z.string() })).optional(),
    error_count: z.int().optional(),
    line: z.int().optional(),
  })
  .meta({ id: "CdrError" });

function registry(): OpenAPIRegistry {
  const r = new OpenAPIRegistry();
  r.registerComponent("securitySchemes", "usageKey", { type: "http", scheme: "bearer", description: "A read-only usage API key, made by the account's owner in the portal (Account → API keys)." });
  r.registerComponent("securitySchemes", "ingestKey", { type: "http", scheme: "bearer", description: "A CDR ingest key, made by support." });
  const usage = { tags: ["Usage"], security: [{ usageKey: [] }] };

  r.registerPath({
    ...usage,
    method: "get",
    path: "/api/v1/usage/conferences",
    operationId: "listConferences",
    summary: "Conferences",
    description:
      "The account's conferences in start order, a page at a time. Pages are keyset pages: the cursor is the last conference's start and id, so conferences that arrive while you page never shift a page; each conference comes once. Filter by billing month (`period`) or days (`from`, `to`), room and billing code.",
    request: { query: conferencesQuery },
    responses: { 200: ok("A page of conferences.", conferencePage), ...usageErrors },
  });
  r.registerPath({
    ...usage,
    method: "get",
    path: "/api/v1/usage/conferences/{id}/legs",
    operationId: "listLegs",
    summary: "Legs of a conference",
    description: "One conference and its legs (participants' connections) in joining order, a page at a time. Another account's conference is not found.",
    request: { params: conferenceIdParam, query: legsQuery },
    responses: { 200: ok("The conference and a page of its legs.", legPage), ...usageErrors, 404: errorResponse("No such conference in the key's account.") },
  });
  r.registerPath({
    ...usage,
    method: "get",
    path: "/api/v1/usage/totals",
    operationId: "usageTotals",
    summary: "Totals of a period",
    description: "A billing period's totals by room or by billing code: the same figures as the portal's account summary and by-code view.",
    request: { query: totalsQuery },
    responses: { 200: ok("The period's totals.", z.union([roomTotals, codeTotals])), ...usageErrors },
  });
  registerIngest(r);
  return r;
}

/** The CDR ingest (app/api/v1/cdrs/route.ts), described beside the usage API. */
function registerIngest(r: OpenAPIRegistry): void {
  r.registerPath({
    method: "post",
    path: "/api/v1/cdrs",
    operationId: "ingestCdrs",
    tags: ["CDR ingest"],
    security: [{ ingestKey: [] }],
    summary: "Send call-detail records",
    description:
      "Legs from the conferencing bridge, CSV (with a header row) or NDJSON, in UTF-8. One request is one transaction: every row is checked before anything is stored; any bad row and nothing is stored. Usage is visible in the portal and this API when the request returns.",
    request: {
      body: {
        required: true,
        content: {
          "text/csv": { schema: z.string().meta({ description: "A header row naming the CdrRow columns, then one leg a line." }) },
          "application/x-ndjson": { schema: cdrRow },
        },
      },
    },
    responses: {
      200: { description: "Stored.", content: jsonOf(z.object({ accepted: z.int(), duplicates: z.int(), late: z.int() }).meta({ id: "CdrResult" })) },
      401: { description: "No key, or a key that is unknown or revoked.", content: jsonOf(cdrProblem) },
      408: { description: "The client sent nothing for too long; nothing stored.", content: jsonOf(cdrProblem) },
      413: { description: "The body, or a line, is too large; nothing stored.", content: jsonOf(cdrProblem) },
      415: { description: "Another content type or charset.", content: jsonOf(cdrProblem) },
      422: { description: "Rows refused (each with line, field and message), an empty body, not UTF-8, or no header row; nothing stored.", content: jsonOf(cdrProblem) },
    },
  });
}

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

let built: OpenApiDocument | undefined;

/** The document, built once (it depends on the code only). */
export function openApiDocument(): OpenApiDocument {
  return (built ??= new OpenApiGeneratorV31(registry().definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Conference portal API",
      version: "1.0.0",
      description:
        "Read your account's conference usage from your own systems (read-only, with a key the account's owner makes in the portal), and send call-detail records (the bridge). Amounts are integers in minor units of the account's currency (cents for EUR), with the currency code beside them; times are UTC, ISO 8601. Each usage key may make a limited number of requests a minute (429 with Retry-After past it).",
    },
  }));
}
