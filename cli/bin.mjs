#!/usr/bin/env node
// The `pystol` command: loads the TypeScript CLI through tsx (a dependency of the package).
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
