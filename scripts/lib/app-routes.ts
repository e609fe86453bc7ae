/**
 * The portal's routes, read from the app/ directory as Next reads it: every page.tsx and route.ts,
 * route groups `(name)` left out of the address, `[param]` and `[...param]` dynamic. The sweeps
 * over every route (headers, bad input) use this list, so a new route is in them from its first commit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

type Segment = { literal: string } | { param: string; catchAll: boolean };
export type AppRoute = {
  /** The file, relative to the project root (app/…/page.tsx). */
  file: string;
  kind: "page" | "route";
  segments: Segment[];
  /** The address pattern, e.g. /rooms/[number]/conferences/[id]. */
  pattern: string;
  /** HTTP methods a route handler exports (a page answers GET). */
  methods: string[];
};

const ROUTE_FILES = new Map([
  ["page.tsx", "page"],
  ["route.ts", "route"],
] as const);

function segmentOf(name: string): Segment | undefined {
  if (/^\(.+\)$/.test(name)) return undefined; // a route group: not part of the address
  const dynamic = /^\[(\.\.\.)?([^\]]+)\]$/.exec(name);
  return dynamic ? { param: dynamic[2]!, catchAll: Boolean(dynamic[1]) } : { literal: name };
}

const patternOf = (segments: Segment[]) => `/${segments.map((s) => ("literal" in s ? s.literal : s.catchAll ? `[...${s.param}]` : `[${s.param}]`)).join("/")}`;

export function appRoutes(root = process.cwd()): AppRoute[] {
  const routes: AppRoute[] = [];
  const walk = (dir: string, segments: Segment[]) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        const segment = segmentOf(name);
        walk(full, segment ? [...segments, segment] : segments);
        continue;
      }
      const kind = ROUTE_FILES.get(name as "page.tsx" | "route.ts");
      if (!kind) continue;
      const source = readFileSync(full, "utf8");
      // A route handler's methods: the names its export lines give (`export async function GET`, `export { handler as GET }`).
      const exportLines = source.split("\n").filter((line) => line.startsWith("export"));
      const methods = kind === "page" ? ["GET"] : exportLines.flatMap((line) => line.match(/\b(GET|HEAD|POST|PUT|PATCH|DELETE)\b/g) ?? []);
      routes.push({ file: path.relative(root, full), kind, segments, pattern: patternOf(segments), methods: [...new Set(methods)] });
    }
  };
  walk(path.join(root, "app"), []);
  return routes;
}

/** The route's address with each dynamic segment given by `value` (already URL-encoded). */
export function routeUrl(route: AppRoute, value: (param: string, index: number) => string): string {
  return `/${route.segments.map((s, i) => ("literal" in s ? s.literal : value(s.param, i))).join("/")}`;
}

/** The page of a build's server-action worker key (`app/(portal)/reports/page`), if it is one of `routes`. */
export function routeOfWorker(routes: AppRoute[], worker: string): AppRoute | undefined {
  return routes.find((r) => r.kind === "page" && r.file.replace(/\.tsx$/, "") === worker);
}

/**
 * The query and form parameter names the portal reads, found in its sources (`.get("name")`,
 * `.getAll`, `.has`, `first(params.name)`, the report's `PARAM.name`): a parameter a new page
 * reads is swept without being listed anywhere.
 */
export function parameterNames(root = process.cwd()): string[] {
  const names = new Set<string>();
  const scan = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) scan(full);
      else if (/\.tsx?$/.test(name) && !name.endsWith(".test.ts")) {
        const source = readFileSync(full, "utf8");
        for (const m of source.matchAll(/\.(?:get|getAll|has)\("([A-Za-z][\w-]*)"\)|first\(\w+\.(\w+)\)|PARAM\.(\w+)/g)) names.add((m[1] ?? m[2] ?? m[3])!);
      }
    }
  };
  for (const dir of ["app", "lib/reports", "lib/auth"]) scan(path.join(root, dir));
  return [...names].sort();
}
