type Props = {
  labels: { report: string; range: string; nextRun: string };
  summary: { report: string; range: string; nextRun: string };
  /** The report's filters in words ("Filters: Cardholders: …"); null when the report takes none. */
  filters: string | null;
};

/** What a schedule delivers: its report and format, its filters in words, its range, and what its next run will contain. */
export function ScheduleSummary({ labels, summary, filters }: Props) {
  const rows: [string, string, string][] = [
    [labels.report, summary.report, "summary-report"],
    [labels.range, summary.range, "summary-range"],
    [labels.nextRun, summary.nextRun, "summary-next-run"],
  ];
  return (
    <div className="mb-6 rounded-lg border border-brand-100 bg-brand-50 px-4 py-3 text-sm" data-testid="schedule-summary">
      <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {rows
          .filter(([, value]) => value)
          .map(([label, value, testId]) => (
            <div key={testId} className="contents">
              <dt className="font-semibold text-brand-900">{label}</dt>
              <dd className="mb-1 text-slate-800 sm:mb-0" data-testid={testId}>
                {value}
              </dd>
            </div>
          ))}
      </dl>
      {filters && (
        <p className="mt-2 text-slate-700" data-testid="summary-filters">
          {filters}
        </p>
      )}
    </div>
  );
}
