"use client";

import { useState } from "react";
import { Field, FieldErrors, inputClass, SelectField } from "@/components/field";
import { fieldOf, Section, type SectionProps } from "@/components/schedule-form-fields";
import { TechnicalDetail } from "@/components/schedule-parts";
import type { Messages } from "@/lib/i18n/messages";
import type { HostKeyPrompt, ScheduleFormState } from "@/lib/schedules/form-values";

type T = Messages["schedules"];

/** The SFTP server key accepted (sent with the form), or a word that none is yet (unless the prompt below shows one). */
function HostKeyField({ t, hostKey, prompted, errors }: { t: T; hostKey: string; prompted: boolean; errors?: string[] }) {
  return (
    <div className="sm:col-span-4" data-testid="host-key">
      <input type="hidden" name="hostKey" value={hostKey} aria-describedby="f-hostKey-errors" />
      {hostKey ? (
        <>
          <p className="text-sm font-medium text-slate-700">{t.hostKey}</p>
          <code className="mt-1 block break-all font-mono text-sm text-slate-900">{hostKey}</code>
          <p className="mt-1 text-xs text-slate-600">{t.hostKeyAcceptedHint}</p>
        </>
      ) : (
        !prompted && (
          <>
            <p className="text-sm font-medium text-slate-700">{t.hostKey}</p>
            <p className="mt-1 text-sm text-slate-600">{t.hostKeyNone}</p>
          </>
        )
      )}
      <FieldErrors id="f-hostKey-errors" messages={errors} />
    </div>
  );
}

/**
 * After a *Test upload* that stopped at the server's key: the key, as OpenSSH prints it, for the
 * owner to compare with what the server's administrator says; a changed key is a warning.
 */
function HostKeyCheck({ t, prompt, message, pending, onAccept }: { t: T; prompt: HostKeyPrompt; message?: string; pending: boolean; onAccept: () => void }) {
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

/** Where the server is; changing it (`onServerChange`) means its key must be checked anew. */
function ServerFields({ t, v, errors, protocol, onServerChange }: SectionProps & { protocol: string; onServerChange: () => void }) {
  const at = fieldOf(errors);
  return (
    <>
      <Field {...at("host")} label={t.host} className="sm:col-span-2">
        {(control) => <input {...control} defaultValue={v.host} onChange={onServerChange} placeholder="files.example.com" autoComplete="off" className={inputClass(control["aria-invalid"])} />}
      </Field>
      <Field {...at("port")} label={t.port}>
        {(control) => <input {...control} inputMode="numeric" defaultValue={v.port} onChange={onServerChange} placeholder={protocol === "sftp" ? "22" : "21"} className={inputClass(control["aria-invalid"])} />}
      </Field>
      <Field {...at("directory")} label={t.directory} className="sm:col-span-2">
        {(control) => <input {...control} defaultValue={v.directory} placeholder="/reports" className={inputClass(control["aria-invalid"])} />}
      </Field>
      <Field {...at("user")} label={t.user}>
        {(control) => <input {...control} defaultValue={v.user} autoComplete="off" className={inputClass(control["aria-invalid"])} />}
      </Field>
    </>
  );
}

/** How the portal signs in: a password, or (SFTP) a private key; a stored one is kept when left empty. */
function SignInFields({ t, errors, protocol, hasSecret, auth, onAuthChange }: SectionProps & { protocol: string; hasSecret: boolean; auth: string; onAuthChange: (auth: string) => void }) {
  const at = fieldOf(errors);
  const withKey = auth === "key" && protocol === "sftp";
  return (
    <>
      <SelectField
        {...at("auth")}
        label={t.auth}
        options={protocol === "sftp" ? [["password", t.password], ["key", t.privateKey]] : [["password", t.password]]}
        value={protocol === "sftp" ? auth : "password"}
        onChange={(e) => onAuthChange(e.target.value)}
      />
      {withKey ? (
        <Field {...at("privateKey")} label={t.privateKey} hint={t.privateKeyHint} className="sm:col-span-4">
          {(control) => <textarea {...control} rows={4} placeholder={hasSecret ? t.secretStored : "-----BEGIN OPENSSH PRIVATE KEY-----"} spellCheck={false} className={`${inputClass(control["aria-invalid"])} font-mono text-xs`} />}
        </Field>
      ) : (
        <Field {...at("password")} label={t.password} className="sm:col-span-4">
          {(control) => <input {...control} type="password" autoComplete="new-password" placeholder={hasSecret ? t.secretStored : ""} className={`${inputClass(control["aria-invalid"])} sm:w-1/2`} />}
        </Field>
      )}
    </>
  );
}

/** *Test upload* and its answer: a result, or the server's key to check and accept. */
function TestUpload({ t, tested, pending, testing, prompt, onAccept }: { t: T; tested: ScheduleFormState; pending: boolean; testing: boolean; prompt?: HostKeyPrompt; onAccept: (offered: string) => void }) {
  return (
    <>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-4">
        <button type="submit" name="intent" value="test" disabled={pending} className="rounded border border-brand-700 px-3 py-1.5 text-sm font-semibold text-brand-700 hover:bg-brand-50 disabled:opacity-60">
          {testing ? t.testing : t.testUpload}
        </button>
        {tested.message && !tested.hostKey && !testing && (
          <div role="status" className={`rounded border px-3 py-1.5 text-sm ${tested.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-800"}`}>
            <p data-testid="test-result">{tested.message}</p>
            {tested.detail && <TechnicalDetail label={t.runHistory.technical} text={tested.detail} />}
          </div>
        )}
      </div>
      {prompt && <HostKeyCheck t={t} prompt={prompt} message={tested.message} pending={pending} onAccept={() => onAccept(prompt.offered)} />}
    </>
  );
}

type UploadProps = SectionProps & { hasSecret: boolean; pending: boolean; testing: boolean; tested: ScheduleFormState; onTestWithKey: (hostKey: string) => void };

/** Where the report is uploaded, if anywhere: the server, the sign-in, and how the server proves who it is. */
export function UploadFields({ hasSecret, pending, testing, tested, onTestWithKey, ...section }: UploadProps) {
  const { t, v, errors } = section;
  const [protocol, setProtocol] = useState(v.protocol);
  const [auth, setAuth] = useState(v.auth);
  // The server key the owner accepted; another server (host, port, protocol) must be checked anew.
  const [hostKey, setHostKey] = useState(v.hostKey);
  const prompt = protocol === "sftp" && tested.hostKey && tested.hostKey.offered !== hostKey ? tested.hostKey : undefined;
  const accept = (offered: string) => {
    setHostKey(offered);
    onTestWithKey(offered);
  };
  return (
    <Section title={t.uploadTitle}>
      <div className="grid gap-4 sm:grid-cols-4">
        <SelectField
          {...fieldOf(errors)("protocol")}
          label={t.protocol}
          options={[["", t.noUpload], ["ftp", "FTP"], ["ftps", "FTPS"], ["sftp", "SFTP (SSH)"]]}
          value={protocol}
          onChange={(e) => {
            setProtocol(e.target.value);
            setHostKey("");
          }}
        />
        {protocol && (
          <>
            <ServerFields {...section} protocol={protocol} onServerChange={() => setHostKey("")} />
            <SignInFields {...section} protocol={protocol} hasSecret={hasSecret} auth={auth} onAuthChange={setAuth} />
            {protocol === "ftps" && (
              <Field {...fieldOf(errors)("ca")} label={t.ca} hint={t.caHint} className="sm:col-span-4">
                {(control) => <textarea {...control} rows={3} defaultValue={v.ca} placeholder="-----BEGIN CERTIFICATE-----" spellCheck={false} className={`${inputClass(control["aria-invalid"])} font-mono text-xs`} />}
              </Field>
            )}
            {protocol === "sftp" && <HostKeyField t={t} hostKey={hostKey} prompted={Boolean(prompt)} errors={errors.hostKey} />}
            <TestUpload t={t} tested={tested} pending={pending} testing={testing} prompt={prompt} onAccept={accept} />
          </>
        )}
      </div>
    </Section>
  );
}
