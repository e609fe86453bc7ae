import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// Next's rules (React, hooks, accessibility, Core Web Vitals) and typescript-eslint's recommended
// set, over every .ts and .tsx file: the app, tests, scripts, benchmarks and e2e specs alike.
export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // A name starting with "_" is declared unused on purpose (a loop that only counts), as tsc reads it.
  { rules: { "@typescript-eslint/no-unused-vars": ["warn", { varsIgnorePattern: "^_", argsIgnorePattern: "^_" }] } },
  // CONVENTIONS habit 12: a function past ~60 lines is split into named pieces. Tests may run longer.
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["**/*.test.ts", "e2e/**"],
    rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  globalIgnores([".next/**", "node_modules/**", "next-env.d.ts", "db/migrations/**", "test-results/**", "playwright-report/**", "screenshots/**", ".data/**", "bench-data/**"]),
]);
