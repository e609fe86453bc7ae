/** Latency summaries computed from every sample (autocannon's histogram has no p95). */
export type LatencySummary = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
  /** Completed operations per second over the measured wall-clock time. */
  perSecond: number;
};

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samplesMs: number[], elapsedMs: number): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    perSecond: elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : Number.NaN,
  };
}

/** Milliseconds with the precision that matters at that size. */
export const formatMs = (value: number) => (Number.isNaN(value) ? "–" : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

export const formatRatio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(a / b < 1 ? 2 : 1)}×` : "–");

export const formatCount = (n: number) => n.toLocaleString("en-US");

/** A Markdown table; the first row is the header. */
export function markdownTable(rows: string[][], align: ("l" | "r")[] = []): string {
  const [header, ...body] = rows;
  if (!header) return "";
  const rule = header.map((_, i) => (align[i] === "r" ? "---:" : "---"));
  return [header, rule, ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
