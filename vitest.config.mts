import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["{lib,workers,prisma,app,scripts,cli,runner}/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one PostgreSQL database and one Redis; files run in
    // separate processes and isolate themselves with unique names and prefixes.
    pool: "forks",
    globalSetup: ["./vitest.global-setup.ts"],
  },
});
