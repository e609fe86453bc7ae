/** The element each field's message is shown in: the builder's `<field>-error`, a people picker's by its input's name. */
const MESSAGE_ID: Record<string, string> = { cardholders: "cardholder-error", owners: "owner-error", groups: "group-error" };

/**
 * What is wrong with the report asked for, above the builder: each problem once, as a link to its
 * field, where the message itself is shown (the builder's FieldError, a picker's error).
 */
export function ReportErrors({ title, errors }: { title: string; errors: Record<string, string[]> }) {
  const problems = new Map<string, string>();
  for (const [field, messages] of Object.entries(errors)) for (const message of messages) if (!problems.has(message)) problems.set(message, MESSAGE_ID[field] ?? `${field}-error`);
  if (problems.size === 0) return null;
  return (
    <div className="mb-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800" role="alert" data-testid="report-errors">
      <p className="font-semibold">{title}</p>
      <ul className="ml-5 list-disc">
        {[...problems].map(([message, id]) => (
          <li key={message}>
            <a href={`#${id}`} className="underline">
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
