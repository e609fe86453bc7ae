import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // pg and the argon2 binding are native/CommonJS server packages: keep them out of the bundle.
  serverExternalPackages: ["pg", "@node-rs/argon2"],
  poweredByHeader: false,
};

export default nextConfig;
