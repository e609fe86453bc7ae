import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or CommonJS server packages: loaded from node_modules, not bundled.
  serverExternalPackages: ["pg", "pg-boss", "pg-query-stream", "@node-rs/argon2", "exceljs"],
  poweredByHeader: false,
};

export default nextConfig;
