/**
 * An example client of the usage API, typed by the generated scripts/examples/usage-api.d.ts:
 * reads every conference of a month a page at a time and checks they add up to the month's
 * totals. `npx tsx scripts/examples/pull-month.ts <portal URL> <YYYY-MM>` with USAGE_API_KEY set.
 */
import createClient from "openapi-fetch";
import type { components, paths } from "./usage-api";

type Conference = components["schemas"]["Conference"];

async function pullMonth(baseUrl: string, key: string, period: string): Promise<Conference[]> {
  const client = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });
  const conferences: Conference[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await client.GET("/api/v1/usage/conferences", { params: { query: { period, limit: 1000, cursor } } });
    if (!data) throw new Error(`${response.status}: ${error?.error ?? "no answer"}`);
    conferences.push(...data.data);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);

  const { data: totals, error } = await client.GET("/api/v1/usage/totals", { params: { query: { period, by: "code" } } });
  if (!totals) throw new Error(error?.error ?? "no totals");
  const charged = conferences.reduce((sum, c) => sum + c.charge_minor, 0);
  if (charged !== totals.total.charge_minor) throw new Error(`the conferences add up to ${charged}, the totals say ${totals.total.charge_minor}`);
  console.log(`${period}: ${conferences.length} conferences, ${charged} minor units of ${totals.total.currency}`);
  return conferences;
}

const [baseUrl, period] = process.argv.slice(2);
const key = process.env.USAGE_API_KEY;
if (!baseUrl || !period || !key) {
  console.error("usage: USAGE_API_KEY=<key> npx tsx scripts/examples/pull-month.ts <portal URL> <YYYY-MM>");
  process.exit(2);
}
await pullMonth(baseUrl, key, period);
