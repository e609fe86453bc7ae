import { earliestDay, gmtDay, reportSearchParams } from "@/lib/reports/query";
import type { Period } from "@/lib/periods";

/**
 * The Usage report (every conference and service type) over a month's days, for a month the
 * account summary cannot open (it offers the current month and the three before it): the month's
 * first to last day, clipped to the past year reports cover; undefined when none of it is left.
 * Report days are GMT, so its first and last hours may differ from the billing month's.
 */
export function monthReportHref(period: Period, now = new Date()): string | undefined {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const from = [period, earliestDay(now)].sort().at(-1)!;
  const to = [gmtDay(Date.UTC(y, m, 0)), gmtDay(now.getTime())].sort()[0]!;
  if (from > to) return undefined;
  const params = reportSearchParams({ type: "usage", range: "custom", from, to, cardholders: [], allCardholders: false, owners: [], groups: [], ungrouped: false, products: [] });
  return `/reports?${params}`;
}
