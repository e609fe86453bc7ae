/**
 * The bound of the usage API benchmark: the same pages over HTTP with nothing but node:http and
 * pg — no Next, no key check, no account read, no compression, no ETag — running the API's own
 * statement (lib/usage-api/queries.ts `conferencesPageJsonQuery`) and joining its rows as the API
 * does. What an HTTP JSON API of these pages costs on this machine at the least.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PgDialect } from "drizzle-orm/pg-core";
import type { Pool } from "pg";
import { fromUrlPeriod, periodBounds } from "../../lib/periods";
import { conferencesPageJsonQuery, type Position } from "../../lib/usage-api/queries";
import type { Resources } from "./context";

const dialect = new PgDialect();

export async function serveBound(resources: Resources, pool: Pool, account: { id: number; currency: string; timeZone: string }): Promise<string> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const limit = Number(url.searchParams.get("limit"));
    const cursor = url.searchParams.get("cursor");
    const [at, id] = cursor ? Buffer.from(cursor, "base64url").toString("latin1").split("|") : [];
    const after: Position | undefined = at && id ? { at, id: Number(id) } : undefined;
    const query = dialect.sqlToQuery(conferencesPageJsonQuery(account, periodBounds(fromUrlPeriod(url.searchParams.get("period") ?? "")!, account.timeZone), after, limit));
    pool.query<{ json: string; started_at: string; id: string }>(query.sql, query.params).then(({ rows }) => {
      const more = rows.length > limit;
      if (more) rows.pop();
      const last = rows.at(-1);
      const next = more && last ? Buffer.from(`${last.started_at}|${last.id}`).toString("base64url") : null;
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      response.end(`{"data":[${rows.map((r) => r.json).join(",")}],"next_cursor":${JSON.stringify(next)}}`);
    }, (error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  resources.add("bound server", () => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
