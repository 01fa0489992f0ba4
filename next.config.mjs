import { SERVER_ACTION_BODY_LIMIT } from "./lib/http/body-limit.mjs";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Packages with native bindings or Node-only internals stay out of the server bundle.
  serverExternalPackages: [
    "@kubernetes/client-node",
    "@node-rs/argon2",
    "@prisma/adapter-pg",
    "pg",
    "pino",
    "bullmq",
    "ioredis",
    "prom-client",
  ],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a 403 for members whose role lacks a permission.
  // Server-action bodies have one limit, which proxy.ts also enforces with a 413 (lib/http).
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: SERVER_ACTION_BODY_LIMIT } },
  // Static files skip proxy.ts; they get the headers that need no request here (the rest, CSP
  // with a nonce and HSTS, come from proxy.ts for everything else).
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
  reactStrictMode: true,
};

export default nextConfig;
