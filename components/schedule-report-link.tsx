import Link from "next/link";

/**
 * *Schedule this report*: opens the schedule form with the report's type and filters (its URL
 * parameters); the schedule brings its own dates.
 */
export function ScheduleReportLink({ search, label }: { search: URLSearchParams | string; label: string }) {
  return (
    <Link href={`/reports/schedules/new?${search.toString()}`} className="inline-flex items-center gap-1.5 rounded border border-brand-700 bg-white px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50" data-testid="schedule-this-report">
      {label}
    </Link>
  );
}
