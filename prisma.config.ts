import { defineConfig } from "prisma/config";

// The CLI is used here for `prisma generate` only; migrations are applied by
// prisma/migrate.ts through Prisma's WebAssembly schema engine (see that file).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol" },
});
