import type { ReactNode } from "react";
import type { ReferenceOperation } from "@/lib/usage-api/reference";

export type ApiReferenceLabels = { parameters: string; parameter: string; in: string; description: string; responses: string; status: string; required: string; body: string; schemas: string; field: string; type: string };
type Schema = { name: string; description: string; fields: { name: string; type: string; required: boolean; description: string }[] };

const th = "px-2 py-1.5 text-left font-semibold text-slate-700";
const td = "px-2 py-1.5 align-top";

/** `code spans` of the document's descriptions as <code>; everything else as text (escaped by React). */
function Text({ children }: { children: string }) {
  return <>{children.split(/(`[^`]+`)/).map((part, i) => (part.startsWith("`") && part.endsWith("`") ? <code key={i} className="rounded bg-slate-100 px-1 text-[0.9em]">{part.slice(1, -1)}</code> : part))}</>;
}

function Table({ head, rows }: { head: string[]; rows: ReactNode[][] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm">
        <thead className="border-b border-slate-300 bg-slate-50">
          <tr>{head.map((h) => <th key={h} scope="col" className={th}>{h}</th>)}</tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {rows.map((cells, i) => (
            <tr key={i}>{cells.map((c, j) => <td key={j} className={`${td} ${j === 0 ? "whitespace-nowrap font-mono" : ""}`}>{c}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const anchor = (op: ReferenceOperation) => `${op.method}-${op.path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/-$/, "");

function Operation({ op, labels }: { op: ReferenceOperation; labels: ApiReferenceLabels }) {
  return (
    <section id={anchor(op)} aria-labelledby={`${anchor(op)}-title`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={`${anchor(op)}-title`} className="flex flex-wrap items-baseline gap-2 text-lg font-semibold text-brand-900">
        <span className={`rounded px-2 py-0.5 font-mono text-sm text-white ${op.method === "GET" ? "bg-emerald-700" : "bg-brand-700"}`}>{op.method}</span>
        <code className="break-all font-mono text-base">{op.path}</code>
        <span className="text-base font-normal text-slate-600">— {op.summary}</span>
      </h2>
      <p className="text-sm text-slate-700"><Text>{op.description}</Text></p>
      {op.parameters.length > 0 && (
        <>
          <h3 className="font-semibold text-slate-900">{labels.parameters}</h3>
          <Table head={[labels.parameter, labels.in, labels.type, labels.description]} rows={op.parameters.map((p) => [p.required ? `${p.name} (${labels.required})` : p.name, p.in, <code key="t" className="break-all text-xs">{p.type}</code>, <Text key="d">{p.description}</Text>])} />
        </>
      )}
      {op.body.length > 0 && (
        <>
          <h3 className="font-semibold text-slate-900">{labels.body}</h3>
          <Table head={[labels.type, labels.description]} rows={op.body.map((b) => [b.mediaType, <code key="t" className="text-xs">{b.type}</code>])} />
        </>
      )}
      <h3 className="font-semibold text-slate-900">{labels.responses}</h3>
      <Table head={[labels.status, labels.description, labels.type]} rows={op.responses.map((r) => [r.status, <Text key="d">{r.description}</Text>, <code key="t" className="text-xs">{r.type}</code>])} />
    </section>
  );
}

/** The API reference: a contents list, each operation, then the named schemas. Server-rendered, no script. */
export function ApiReference({ operations, schemas, labels }: { operations: ReferenceOperation[]; schemas: Schema[]; labels: ApiReferenceLabels }) {
  return (
    <div className="space-y-6">
      <nav aria-label="API">
        <ul className="space-y-1 text-sm">
          {operations.map((op) => (
            <li key={anchor(op)}>
              <a href={`#${anchor(op)}`} className="text-brand-700 underline hover:text-brand-900">
                <span className="font-mono">{op.method} {op.path}</span>
              </a>{" "}
              — {op.summary}
            </li>
          ))}
          <li>
            <a href="#schemas" className="text-brand-700 underline hover:text-brand-900">{labels.schemas}</a>
          </li>
        </ul>
      </nav>
      {operations.map((op) => <Operation key={anchor(op)} op={op} labels={labels} />)}
      <section id="schemas" aria-labelledby="schemas-title" className="space-y-4">
        <h2 id="schemas-title" className="text-xl font-semibold text-brand-900">{labels.schemas}</h2>
        {schemas.map((s) => (
          <section key={s.name} aria-labelledby={`schema-${s.name}`} className="space-y-2 rounded-lg border border-slate-200 bg-white p-5">
            <h3 id={`schema-${s.name}`} className="font-mono font-semibold text-slate-900">{s.name}</h3>
            {s.description && <p className="text-sm text-slate-700"><Text>{s.description}</Text></p>}
            <Table head={[labels.field, labels.type, labels.description]} rows={s.fields.map((f) => [f.required ? f.name : `${f.name}?`, <code key="t" className="break-all text-xs">{f.type}</code>, <Text key="d">{f.description}</Text>])} />
          </section>
        ))}
      </section>
    </div>
  );
}
