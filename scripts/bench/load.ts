/** HTTP load with autocannon, and the same shape of load on SQL with a pg Pool. */
import autocannon from "autocannon";
import type { Pool } from "pg";
import { summarize, type LatencySummary } from "./stats";

export type HttpRun = {
  latency: LatencySummary;
  statuses: Record<string, number>;
  /** Responses whose body failed the check. */
  mismatches: number;
  errors: number;
  timeouts: number;
  /** Mean response size in bytes. */
  meanBytes: number;
};

/** Stops a run that takes longer than this, whatever the request count. */
const HTTP_RUN_LIMIT_MS = 15 * 60_000;

/** `amount` requests at `connections` concurrency; latencies recorded from every response. */
export function runHttp(options: { url: string; cookie: string; connections: number; amount: number; verifyBody?: (body: string) => boolean }): Promise<HttpRun> {
  return new Promise((resolve, reject) => {
    const samples: number[] = [];
    const statuses: Record<string, number> = {};
    let bytes = 0;
    const started = performance.now();
    // autocannon reports completion on its 1-second tick: measure up to the last response instead.
    let lastResponse = started;
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        amount: options.amount,
        timeout: 60,
        headers: { cookie: options.cookie },
        ...(options.verifyBody ? { verifyBody: options.verifyBody } : {}),
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) return reject(error);
        resolve({
          latency: summarize(samples, lastResponse - started),
          statuses,
          mismatches: result.mismatches,
          errors: result.errors,
          timeouts: result.timeouts,
          meanBytes: samples.length ? bytes / samples.length : 0,
        });
      },
    );
    const watchdog = setTimeout(() => instance.stop(), HTTP_RUN_LIMIT_MS);
    instance.on("response", (_client, statusCode, resBytes, responseTime) => {
      samples.push(responseTime);
      lastResponse = performance.now();
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      bytes += resBytes;
    });
  });
}

/** Stops a SQL run after this long, whatever the run count. */
const SQL_RUN_LIMIT_MS = 10 * 60_000;

/** Runs one query `runs` times, `concurrency` at a time, each on a pooled connection. */
export function runSql(pool: Pool, text: string, values: unknown[], options: { runs: number; concurrency: number }): Promise<LatencySummary> {
  return runSqlSet(pool, [{ text, values }], options);
}

/**
 * Runs a set of queries `runs` times, `concurrency` sets at a time; the queries of one set run in
 * parallel on pooled connections, as a page's `Promise.all` runs them. A sample is one whole set.
 */
export async function runSqlSet(pool: Pool, queries: { text: string; values: unknown[] }[], options: { runs: number; concurrency: number }): Promise<LatencySummary> {
  const samples: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + SQL_RUN_LIMIT_MS;
  const worker = async () => {
    while (issued < options.runs && performance.now() < deadline) {
      issued++;
      const t0 = performance.now();
      await Promise.all(queries.map((q) => pool.query(q.text, q.values)));
      samples.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summarize(samples, performance.now() - started);
}
