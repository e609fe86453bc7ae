import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or CommonJS server packages: loaded from node_modules, not bundled.
  serverExternalPackages: ["pg", "pg-boss", "pg-query-stream", "@node-rs/argon2", "exceljs"],
  poweredByHeader: false,
  // The build checks the app's own files; tests, scripts and benchmarks are checked by `npm test`.
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default nextConfig;
