import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** GET /healthz — for load balancers and operators: 200 when the database and the job queue answer, else 503 (docs/DEPLOY.md). */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}
