import { usageGet } from "@/lib/usage-api/route";
import { conferencesQuery } from "@/lib/usage-api/schemas";
import { listConferences } from "@/lib/usage-api/usage";

export const dynamic = "force-dynamic";

/** GET /api/v1/usage/conferences — the account's conferences, a page at a time (lib/usage-api/openapi.ts describes it). */
export const GET = usageGet({ query: conferencesQuery }, (scope, { query }) => listConferences(scope, query));
