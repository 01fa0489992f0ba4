// Bundles the fault runner into one file (runner/dist/fault-runner.cjs) that Node 20 runs with
// no node_modules: the image copies only this file, and the tests run the same bundle.
import { build } from "esbuild";
import { renameSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const outfile = path.join(root, "runner/dist/fault-runner.cjs");
const result = await build({
  entryPoints: [path.join(root, "runner/main.ts")],
  outfile,
  write: false,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  tsconfig: path.join(root, "tsconfig.json"),
  logLevel: "warning",
  legalComments: "none",
});
// Written whole, then renamed into place: test files build in parallel while runners start.
mkdirSync(path.dirname(outfile), { recursive: true });
const temporary = `${outfile}.${process.pid}`;
writeFileSync(temporary, result.outputFiles[0].contents);
renameSync(temporary, outfile);
