import { usageGet } from "@/lib/usage-api/route";
import { conferenceIdParam, legsQuery } from "@/lib/usage-api/schemas";
import { listLegs } from "@/lib/usage-api/usage";

export const dynamic = "force-dynamic";

/** GET /api/v1/usage/conferences/{id}/legs — one conference and its legs, a page at a time. */
export const GET = usageGet({ query: legsQuery, params: conferenceIdParam }, (scope, { query, params }) => listLegs(scope, params.id, query));
