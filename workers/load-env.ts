// Imported first by every process entry point so that the settings in .env.local (written by
// `npm run up`, read by Next.js too) are in place before any module reads the environment.
// Files are found at the project root whatever the working directory; variables already set
// in the environment win (process.loadEnvFile never overrides them).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

for (const name of [".env.local", ".env"]) {
  const file = fileURLToPath(new URL(`../${name}`, import.meta.url));
  if (existsSync(file)) process.loadEnvFile(file);
}
