/** What is wrong with the report asked for, every message of every field, above the builder. */
export function ReportErrors({ title, errors }: { title: string; errors: Record<string, string[]> }) {
  if (Object.keys(errors).length === 0) return null;
  return (
    <div className="mb-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert" data-testid="report-errors">
      <p className="font-semibold">{title}</p>
      <ul className="ml-5 list-disc">
        {Object.values(errors)
          .flat()
          .map((message) => (
            <li key={message}>{message}</li>
          ))}
      </ul>
    </div>
  );
}
