#!/usr/bin/env node
// The `pystol` command: loads the TypeScript CLI through tsx (a dependency of the package).
// The project's tsconfig.json, named by path, resolves its "@/…" imports wherever the command
// is started from (validate reads files with the service's own schema, lib/experiments).
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
