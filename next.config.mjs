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
  experimental: { authInterrupts: true },
  reactStrictMode: true,
};

export default nextConfig;
