/**
 * The part of autocannon 9's programmatic API the benchmark uses; the package ships no types and
 * @types/autocannon is not installed.
 */
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      /** Stop after this many requests (takes precedence over duration). */
      amount?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      method?: "GET" | "POST";
      headers?: Record<string, string>;
      /** A response whose body fails this check is counted in `mismatches`. */
      verifyBody?: (body: string) => boolean;
      title?: string;
    }

    interface Histogram {
      min: number;
      max: number;
      average: number;
      stddev: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      url: string;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
      /** Seconds. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      start: Date;
      finish: Date;
      statusCodeStats: Record<string, { count: number }>;
    }

    type Client = EventEmitter;

    interface Instance extends EventEmitter {
      stop(): void;
      on(event: "response", listener: (client: Client, statusCode: number, resBytes: number, responseTime: number) => void): this;
      on(event: "done", listener: (result: Result) => void): this;
      on(event: "error" | "reqError", listener: (error: Error) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
