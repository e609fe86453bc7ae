import { ActionButton } from "@/components/schedule-buttons";
import type { FormState } from "@/lib/actions/form";
import { fill, type Messages } from "@/lib/i18n/messages";

/** A key as the list shows it, its times already written in the account's zone and locale. */
export type ApiKeyLine = { id: number; name: string; prefix: string; created: string; lastUsed: string | null; revoked: string | null };

/** The account's keys: name and start of each, created, last used; Revoke (with confirmation) or when it was revoked. */
export function ApiKeyList({ keys, revoke, t }: { keys: ApiKeyLine[]; revoke: (state: FormState, formData: FormData) => Promise<FormState>; t: Messages }) {
  const k = t.apiKeys;
  if (keys.length === 0) return <p className="text-sm text-slate-600">{k.none}</p>;
  return (
    <ul className="divide-y divide-slate-200" data-testid="api-keys">
      {keys.map((key) => (
        <li key={key.id} className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between" data-testid="api-key">
          <div className="min-w-0 space-y-1">
            <p className="font-medium text-slate-900">
              {key.name} <span className="font-mono text-sm text-slate-600">{key.prefix}…</span>
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm text-slate-600">
              <dt>{k.createdAt}</dt>
              <dd>{key.created}</dd>
              <dt>{k.lastUsed}</dt>
              <dd data-testid="api-key-last-used">{key.lastUsed ?? k.never}</dd>
            </dl>
          </div>
          {key.revoked ? (
            <span className="self-start rounded bg-slate-100 px-2 py-1 text-xs font-semibold text-slate-700 sm:self-center">{fill(k.revokedAt, { when: key.revoked })}</span>
          ) : (
            <ActionButton
              action={revoke}
              label={k.revoke}
              danger
              fields={{ key: String(key.id) }}
              confirm={fill(k.revokeConfirm, { name: key.name })}
              ariaLabel={fill(k.revokeLabel, { name: key.name, prefix: key.prefix })}
              testId="revoke-api-key"
            />
          )}
        </li>
      ))}
    </ul>
  );
}
