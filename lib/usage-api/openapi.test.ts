import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { appRoutes } from "../../scripts/lib/app-routes";
import { apiTypes, TYPES_FILE } from "../../scripts/examples/generate-types";
import { openApiDocument } from "./openapi";
import { apiReference } from "./reference";

test("the OpenAPI document is a valid OpenAPI 3.1 document", async () => {
  const document = openApiDocument();
  assert.equal(document.openapi, "3.1.0");
  // The same JSON, typed by two libraries (openapi3-ts for the generator, openapi-types for the validator).
  await SwaggerParser.validate(structuredClone(document) as unknown as SwaggerParser["api"]);
});

test("the document describes every API route of app/api/v1 and each of its methods", () => {
  const paths = openApiDocument().paths ?? {};
  const routes = appRoutes().filter((r) => r.kind === "route" && r.pattern.startsWith("/api/v1/") && r.pattern !== "/api/v1/openapi.json");
  assert.ok(routes.length >= 4, `${routes.length} routes`);
  for (const route of routes) {
    const documented = route.pattern.replace(/\[(\w+)\]/g, "{$1}");
    const entry = paths[documented] as Record<string, unknown> | undefined;
    assert.ok(entry, `${documented} is described`);
    for (const method of route.methods) assert.ok(entry[method.toLowerCase()], `${method} ${documented} is described`);
  }
});

test("the typed client's types (scripts/examples/usage-api.d.ts) are those of the current document: run `npm run api:types` after changing the API", async () => {
  assert.equal(readFileSync(TYPES_FILE, "utf8"), await apiTypes());
});

test("the reference page lists every operation with its parameters and answers, and every schema", () => {
  const reference = apiReference();
  assert.deepEqual(
    reference.operations.map((o) => `${o.method} ${o.path}`),
    ["GET /api/v1/usage/conferences", "GET /api/v1/usage/conferences/{id}/legs", "GET /api/v1/usage/totals", "POST /api/v1/cdrs"],
  );
  const conferences = reference.operations[0]!;
  assert.deepEqual(conferences.parameters.map((p) => p.name), ["period", "from", "to", "room", "code", "limit", "cursor"]);
  assert.match(conferences.parameters.find((p) => p.name === "limit")!.type, /integer.*default 100/);
  assert.deepEqual(conferences.responses.map((r) => r.status), ["200", "304", "400", "401", "429"]);
  assert.ok(reference.schemas.some((s) => s.name === "Conference" && s.fields.some((f) => f.name === "charge_minor" && f.required)));
});
