/**
 * The OpenAPI document as the reference page (/api/docs) shows it: each operation with its
 * parameters, body and answers, and each named schema with its fields, types written out.
 */
import { z } from "zod";
import { openApiDocument } from "./openapi";

type JsonSchema = { [key: string]: unknown };
const jsonSchema = z.record(z.string(), z.unknown());
const content = z.record(z.string(), z.object({ schema: jsonSchema.optional() })).optional();
const operation = z.object({
  summary: z.string().default(""),
  description: z.string().default(""),
  parameters: z.array(z.object({ name: z.string(), in: z.string(), required: z.boolean().default(false), description: z.string().default(""), schema: jsonSchema.default({}) })).default([]),
  requestBody: z.object({ content }).optional(),
  responses: z.record(z.string(), z.object({ description: z.string(), content })),
});
const document = z.object({
  info: z.object({ title: z.string(), description: z.string().default("") }),
  paths: z.record(z.string(), z.record(z.string(), operation)),
  components: z.object({ schemas: z.record(z.string(), jsonSchema).default({}) }),
});

/** A schema's type in a few words: `Conference`, `string (YYYY-MM pattern)`, `array of Leg`, `Leg | null`. */
function typeText(schema: JsonSchema | undefined): string {
  if (!schema) return "";
  if (typeof schema.$ref === "string") return schema.$ref.split("/").at(-1)!;
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return options.map((o: JsonSchema) => typeText(o)).join(" | ");
  }
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : String(schema.type ?? "object");
  if (type === "array") return `array of ${typeText(schema.items as JsonSchema | undefined)}`;
  const extra = [schema.format, schema.pattern && `pattern ${String(schema.pattern)}`, schema.default !== undefined && `default ${JSON.stringify(schema.default)}`].filter(Boolean);
  return extra.length ? `${type} (${extra.join(", ")})` : type;
}

type Field = { name: string; type: string; required: boolean; description: string };
export type ReferenceOperation = {
  method: string;
  path: string;
  summary: string;
  description: string;
  parameters: (Field & { in: string })[];
  body: { mediaType: string; type: string }[];
  responses: { status: string; description: string; type: string }[];
};

const fieldsOf = (schema: JsonSchema): Field[] => {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, p]) => ({ name, type: typeText(p), required: required.has(name), description: String(p.description ?? "") }));
};

type Reference = { title: string; description: string; operations: ReferenceOperation[]; schemas: { name: string; description: string; fields: Field[] }[] };
let read: Reference | undefined;

/** Everything the reference page shows, read once from the served document. */
export function apiReference(): Reference {
  return (read ??= readReference());
}

function readReference(): Reference {
  const doc = document.parse(JSON.parse(JSON.stringify(openApiDocument())));
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      summary: op.summary,
      description: op.description,
      parameters: op.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, description: p.description || String(p.schema.description ?? ""), type: typeText(p.schema) })),
      body: Object.entries(op.requestBody?.content ?? {}).map(([mediaType, c]) => ({ mediaType, type: typeText(c.schema) })),
      responses: Object.entries(op.responses).map(([status, r]) => ({ status, description: r.description, type: Object.values(r.content ?? {}).map((c) => typeText(c.schema)).join(", ") })),
    })),
  );
  const schemas = Object.entries(doc.components.schemas).map(([name, s]) => ({ name, description: String(s.description ?? ""), fields: fieldsOf(s) }));
  return { title: doc.info.title, description: doc.info.description, operations, schemas };
}
