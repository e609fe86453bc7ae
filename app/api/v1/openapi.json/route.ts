import { openApiDocument } from "@/lib/usage-api/openapi";

export const dynamic = "force-static";

/** GET /api/v1/openapi.json — the OpenAPI 3.1 document of the usage API and the CDR ingest. */
export function GET() {
  return Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
