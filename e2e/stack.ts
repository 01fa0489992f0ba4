// Where the stack under test keeps its state; shared by playwright.config.ts and the tests.
export const E2E_DATABASE_URL =
  process.env.E2E_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/pystol_e2e";
export const E2E_REDIS_PREFIX = "pystol-e2e";
