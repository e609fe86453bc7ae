"use client";

import { startTransition, useActionState, useRef, useState, type FormEvent } from "react";
import type { ScheduleFormState, ScheduleFormValues } from "@/lib/schedules/form-values";
import type { Messages } from "@/lib/i18n/messages";

type Action = (state: ScheduleFormState, formData: FormData) => Promise<ScheduleFormState>;

type Props = {
  /** Saves, or with intent=test only tests the upload destination. */
  action: Action;
  t: Messages["schedules"];
  defaults: ScheduleFormValues;
  /** The reports to choose from (value = the report's URL parameters). */
  reports: { value: string; label: string }[];
  hasSecret: boolean;
  today: string;
  parisTime: string;
};

const input = (bad: boolean) =>
  `mt-1 block w-full rounded border px-2 py-1.5 text-sm focus:outline-none focus:ring-2 ${bad ? "border-red-500 focus:ring-red-300" : "border-slate-300 focus:border-brand-500 focus:ring-brand-500/30"}`;

function Errors({ id, messages }: { id: string; messages?: string[] }) {
  return (
    <div id={id} aria-live="polite">
      {messages?.map((m) => (
        <p key={m} className="mt-1 text-sm font-medium text-red-700" data-testid="field-error">
          {m}
        </p>
      ))}
    </div>
  );
}

/** The SFTP server key accepted (sent with the form), or a word that none is yet (unless the prompt below shows one). */
function HostKeyField({ t, hostKey, prompted, errors }: { t: Messages["schedules"]; hostKey: string; prompted: boolean; errors?: string[] }) {
  return (
    <div className="sm:col-span-4" data-testid="host-key">
      <input type="hidden" name="hostKey" value={hostKey} aria-describedby="f-hostKey-errors" />
      {hostKey ? (
        <>
          <p className="text-sm font-medium text-slate-700">{t.hostKey}</p>
          <code className="mt-1 block break-all font-mono text-sm text-slate-900">{hostKey}</code>
          <p className="mt-1 text-xs text-slate-500">{t.hostKeyAcceptedHint}</p>
        </>
      ) : (
        !prompted && (
          <>
            <p className="text-sm font-medium text-slate-700">{t.hostKey}</p>
            <p className="mt-1 text-sm text-slate-600">{t.hostKeyNone}</p>
          </>
        )
      )}
      <Errors id="f-hostKey-errors" messages={errors} />
    </div>
  );
}

/**
 * After a *Test upload* that stopped at the server's key: the key, as OpenSSH prints it, for the
 * owner to compare with what the server's administrator says; a changed key is a warning.
 */
function HostKeyPrompt({ t, prompt, message, pending, onAccept }: { t: Messages["schedules"]; prompt: { host: string; offered: string; expected: string | null }; message?: string; pending: boolean; onAccept: () => void }) {
  const changed = prompt.expected !== null;
  const text = (changed ? t.hostKeyChanged : t.hostKeyNew).replaceAll("{host}", prompt.host).replaceAll("{expected}", prompt.expected ?? "");
  return (
    <div role="alert" data-testid="host-key-prompt" className={`space-y-3 rounded-lg border p-4 sm:col-span-4 ${changed ? "border-red-300 bg-red-50" : "border-amber-300 bg-amber-50"}`}>
      <h3 className={`text-sm font-semibold ${changed ? "text-red-900" : "text-amber-900"}`}>{changed ? t.hostKeyChangedTitle : t.hostKeyTitle}</h3>
      {message && <p className="text-sm text-slate-800">{message}</p>}
      <p className="text-sm text-slate-800">{text}</p>
      <code data-testid="host-key-offered" className="block break-all rounded border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 sm:text-sm">
        {prompt.offered}
      </code>
      <button type="button" onClick={onAccept} disabled={pending} className="rounded bg-brand-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
        {t.hostKeyAccept}
      </button>
    </div>
  );
}

/** The schedule form: what, when, which dates, in which format, and where to. */
export function ScheduleForm({ action, t, defaults, reports, hasSecret, today, parisTime }: Props) {
  const [state, dispatch, pending] = useActionState(action, {});
  const [intent, setIntent] = useState<"save" | "test">("save");
  const form = useRef<HTMLFormElement>(null);
  // Submitted by hand, so the form is not reset: what was typed (a password too) stays in the browser.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    setIntent(data.get("intent") === "test" ? "test" : "save");
    startTransition(() => dispatch(data));
  };
  const v = defaults;
  const errors = state.errors ?? {};
  const saving = pending && intent === "save";
  const testing = pending && intent === "test";
  const saved: ScheduleFormState = intent === "save" ? state : {};
  const tested: ScheduleFormState = intent === "test" ? state : {};
  const [frequency, setFrequency] = useState(v.frequency);
  const [range, setRange] = useState(v.range);
  const [protocol, setProtocol] = useState(v.protocol);
  const [auth, setAuth] = useState(v.auth);
  // The server key the owner accepted; another server (host, port, protocol) must be checked anew.
  const [hostKey, setHostKey] = useState(v.hostKey);
  const otherServer = () => setHostKey("");
  const prompt = tested.hostKey && tested.hostKey.offered !== hostKey ? tested.hostKey : undefined;
  const acceptAndTest = (offered: string) => {
    setHostKey(offered);
    const data = new FormData(form.current!);
    data.set("intent", "test");
    data.set("hostKey", offered);
    setIntent("test");
    startTransition(() => dispatch(data));
  };
  const field = (name: keyof ScheduleFormValues | "password" | "privateKey") => ({
    id: `f-${name}`,
    name,
    "aria-invalid": Boolean(errors[name]?.length),
    "aria-describedby": `f-${name}-errors`,
  });
  const label = "block text-sm font-medium text-slate-700";
  const formErrors = errors.form ?? [];

  return (
    <form ref={form} onSubmit={submit} className="space-y-6" data-testid="schedule-form" noValidate>
      {formErrors.length > 0 && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800" data-testid="form-message">
          {formErrors.join(" ")}
        </p>
      )}
      {saved.message && !saved.ok && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="form-message">
          {saved.message}
        </p>
      )}
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="f-name" className={label}>
            {t.name}
          </label>
          <input {...field("name")} defaultValue={v.name} maxLength={80} className={input(Boolean(errors.name))} />
          <Errors id="f-name-errors" messages={errors.name} />
        </div>
        <div>
          <label htmlFor="f-report" className={label}>
            {t.report}
          </label>
          <select {...field("report")} defaultValue={v.report} className={input(Boolean(errors.report))}>
            {reports.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
          <Errors id="f-report-errors" messages={errors.report} />
        </div>
      </fieldset>

      <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-3">
        <legend className="px-1 text-sm font-semibold text-brand-900">{t.whenTitle}</legend>
        <div>
          <label htmlFor="f-frequency" className={label}>
            {t.frequency}
          </label>
          <select {...field("frequency")} value={frequency} onChange={(e) => setFrequency(e.target.value)} className={input(Boolean(errors.frequency))}>
            {(["daily", "weekly", "monthly"] as const).map((f) => (
              <option key={f} value={f}>
                {t.frequencies[f]}
              </option>
            ))}
          </select>
          <Errors id="f-frequency-errors" messages={errors.frequency} />
        </div>
        {frequency === "weekly" && (
          <div>
            <label htmlFor="f-weekday" className={label}>
              {t.weekday}
            </label>
            <select {...field("weekday")} defaultValue={v.weekday || "1"} className={input(Boolean(errors.weekday))}>
              {t.weekdays.map((d, i) => (
                <option key={d} value={String(i + 1)}>
                  {d.charAt(0).toUpperCase() + d.slice(1)}
                </option>
              ))}
            </select>
            <Errors id="f-weekday-errors" messages={errors.weekday} />
          </div>
        )}
        {frequency === "monthly" && (
          <div>
            <label htmlFor="f-monthDay" className={label}>
              {t.monthDay}
            </label>
            <select {...field("monthDay")} defaultValue={v.monthDay || "1"} className={input(Boolean(errors.monthDay))}>
              {Array.from({ length: 28 }, (_, i) => (
                <option key={i + 1} value={String(i + 1)}>
                  {i + 1}
                </option>
              ))}
              <option value="last">{t.lastDay}</option>
            </select>
            <Errors id="f-monthDay-errors" messages={errors.monthDay} />
          </div>
        )}
        <div>
          <label htmlFor="f-time" className={label}>
            {t.time}
          </label>
          <input {...field("time")} type="time" defaultValue={v.time} className={input(Boolean(errors.time))} />
          <p className="mt-1 text-xs text-slate-500">{parisTime}</p>
          <Errors id="f-time-errors" messages={errors.time} />
        </div>
      </fieldset>

      <fieldset className="grid gap-4 rounded-lg border border-slate-200 p-4 sm:grid-cols-3">
        <legend className="px-1 text-sm font-semibold text-brand-900">{t.datesTitle}</legend>
        <div>
          <label htmlFor="f-range" className={label}>
            {t.range}
          </label>
          <select {...field("range")} value={range} onChange={(e) => setRange(e.target.value)} className={input(Boolean(errors.range))}>
            {(Object.keys(t.ranges) as (keyof typeof t.ranges)[]).map((r) => (
              <option key={r} value={r}>
                {t.ranges[r]}
              </option>
            ))}
          </select>
          <Errors id="f-range-errors" messages={errors.range} />
        </div>
        {range === "custom" && (
          <>
            <div>
              <label htmlFor="f-from" className={label}>
                {t.from}
              </label>
              <input {...field("from")} type="date" max={today} defaultValue={v.from} className={input(Boolean(errors.from))} />
              <Errors id="f-from-errors" messages={errors.from} />
            </div>
            <div>
              <label htmlFor="f-to" className={label}>
                {t.to}
              </label>
              <input {...field("to")} type="date" defaultValue={v.to} className={input(Boolean(errors.to))} />
              <Errors id="f-to-errors" messages={errors.to} />
            </div>
            <p className="text-xs text-slate-500 sm:col-span-3">{t.customHint.replaceAll("{today}", today)}</p>
          </>
        )}
        <div>
          <label htmlFor="f-format" className={label}>
            {t.format}
          </label>
          <select {...field("format")} defaultValue={v.format} className={input(Boolean(errors.format))}>
            {(["xlsx", "csv", "html"] as const).map((f) => (
              <option key={f} value={f}>
                {t.formats[f]}
              </option>
            ))}
          </select>
          <Errors id="f-format-errors" messages={errors.format} />
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-brand-900">{t.emailTitle}</legend>
        <label htmlFor="f-emails" className={label}>
          {t.emails}
        </label>
        <input {...field("emails")} defaultValue={v.emails} placeholder="alice@example.com bob@example.com" autoComplete="off" className={input(Boolean(errors.emails))} />
        <p className="mt-1 text-xs text-slate-500">{t.emailsHint}</p>
        <Errors id="f-emails-errors" messages={errors.emails} />
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-brand-900">{t.uploadTitle}</legend>
        <div className="grid gap-4 sm:grid-cols-4">
          <div>
            <label htmlFor="f-protocol" className={label}>
              {t.protocol}
            </label>
            <select
              {...field("protocol")}
              value={protocol}
              onChange={(e) => {
                setProtocol(e.target.value);
                otherServer();
              }}
              className={input(Boolean(errors.protocol))}
            >
              <option value="">{t.noUpload}</option>
              <option value="ftp">FTP</option>
              <option value="ftps">FTPS</option>
              <option value="sftp">SFTP (SSH)</option>
            </select>
            <Errors id="f-protocol-errors" messages={errors.protocol} />
          </div>
          {protocol && (
            <>
              <div className="sm:col-span-2">
                <label htmlFor="f-host" className={label}>
                  {t.host}
                </label>
                <input {...field("host")} defaultValue={v.host} onChange={otherServer} placeholder="files.example.com" autoComplete="off" className={input(Boolean(errors.host))} />
                <Errors id="f-host-errors" messages={errors.host} />
              </div>
              <div>
                <label htmlFor="f-port" className={label}>
                  {t.port}
                </label>
                <input {...field("port")} inputMode="numeric" defaultValue={v.port} onChange={otherServer} placeholder={protocol === "sftp" ? "22" : "21"} className={input(Boolean(errors.port))} />
                <Errors id="f-port-errors" messages={errors.port} />
              </div>
              <div className="sm:col-span-2">
                <label htmlFor="f-directory" className={label}>
                  {t.directory}
                </label>
                <input {...field("directory")} defaultValue={v.directory} placeholder="/reports" className={input(Boolean(errors.directory))} />
                <Errors id="f-directory-errors" messages={errors.directory} />
              </div>
              <div>
                <label htmlFor="f-user" className={label}>
                  {t.user}
                </label>
                <input {...field("user")} defaultValue={v.user} autoComplete="off" className={input(Boolean(errors.user))} />
                <Errors id="f-user-errors" messages={errors.user} />
              </div>
              <div>
                <label htmlFor="f-auth" className={label}>
                  {t.auth}
                </label>
                <select {...field("auth")} value={protocol === "sftp" ? auth : "password"} onChange={(e) => setAuth(e.target.value)} className={input(Boolean(errors.auth))}>
                  <option value="password">{t.password}</option>
                  {protocol === "sftp" && <option value="key">{t.privateKey}</option>}
                </select>
                <Errors id="f-auth-errors" messages={errors.auth} />
              </div>
              <div className="sm:col-span-4">
                {auth === "key" && protocol === "sftp" ? (
                  <>
                    <label htmlFor="f-privateKey" className={label}>
                      {t.privateKey}
                    </label>
                    <textarea {...field("privateKey")} rows={4} placeholder={hasSecret ? t.secretStored : "-----BEGIN OPENSSH PRIVATE KEY-----"} spellCheck={false} className={`${input(Boolean(errors.privateKey))} font-mono text-xs`} />
                    <p className="mt-1 text-xs text-slate-500">{t.privateKeyHint}</p>
                    <Errors id="f-privateKey-errors" messages={errors.privateKey} />
                  </>
                ) : (
                  <>
                    <label htmlFor="f-password" className={label}>
                      {t.password}
                    </label>
                    <input {...field("password")} type="password" autoComplete="new-password" placeholder={hasSecret ? t.secretStored : ""} className={`${input(Boolean(errors.password))} sm:w-1/2`} />
                    <Errors id="f-password-errors" messages={errors.password} />
                  </>
                )}
              </div>
              {protocol === "ftps" && (
                <div className="sm:col-span-4">
                  <label htmlFor="f-ca" className={label}>
                    {t.ca}
                  </label>
                  <textarea {...field("ca")} rows={3} defaultValue={v.ca} placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} className={`${input(Boolean(errors.ca))} font-mono text-xs`} />
                  <p className="mt-1 text-xs text-slate-500">{t.caHint}</p>
                  <Errors id="f-ca-errors" messages={errors.ca} />
                </div>
              )}
              {protocol === "sftp" && <HostKeyField t={t} hostKey={hostKey} prompted={Boolean(prompt)} errors={errors.hostKey} />}
              <div className="flex flex-wrap items-center gap-3 sm:col-span-4">
                <button type="submit" name="intent" value="test" disabled={pending} className="rounded border border-brand-700 px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50 disabled:opacity-60">
                  {testing ? t.testing : t.testUpload}
                </button>
                {tested.message && !tested.hostKey && !testing && (
                  <p role="status" data-testid="test-result" className={`rounded border px-3 py-1.5 text-sm ${tested.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-800"}`}>
                    {tested.message}
                  </p>
                )}
              </div>
              {prompt && protocol === "sftp" && <HostKeyPrompt t={t} prompt={prompt} message={tested.message} pending={pending} onAccept={() => acceptAndTest(prompt.offered)} />}
            </>
          )}
        </div>
      </fieldset>

      <div className="flex items-center gap-4">
        <button type="submit" name="intent" value="save" disabled={pending} className="rounded bg-brand-700 px-5 py-2 text-sm font-semibold text-white hover:bg-brand-900 disabled:opacity-60">
          {saving ? t.saving : t.save}
        </button>
      </div>
    </form>
  );
}
