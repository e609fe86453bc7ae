import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or CommonJS server packages: loaded from node_modules, not bundled.
  serverExternalPackages: ["pg", "pg-boss", "pg-query-stream", "@node-rs/argon2", "exceljs", "ssh2", "ssh2-sftp-client", "basic-ftp", "nodemailer"],
  poweredByHeader: false,
  // A pasted private key far too large (say 10 MB) must reach the schedule form's check and get a
  // clear message, not Next's body-size error; the form itself refuses anything above 16 KB.
  // proxy.ts sees every post to a page first: Next buffers its body for it up to this size and cuts
  // the rest off, so the limit is the actions' own.
  experimental: { serverActions: { bodySizeLimit: "12mb" }, proxyClientMaxBodySize: "12mb" },
  // The build checks the app's own files; tests, scripts and benchmarks are checked by `npm test`.
  typescript: { tsconfigPath: "tsconfig.app.json" },
};

export default nextConfig;
