import { usageGet } from "@/lib/usage-api/route";
import { totalsQuery } from "@/lib/usage-api/schemas";
import { usageTotals } from "@/lib/usage-api/usage";

export const dynamic = "force-dynamic";

/** GET /api/v1/usage/totals — a period's totals by room or by billing code, as the portal shows them. */
export const GET = usageGet({ query: totalsQuery }, (scope, { query }) => usageTotals(scope, query));
