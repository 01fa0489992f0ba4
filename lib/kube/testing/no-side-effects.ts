import child_process from "node:child_process";
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { type MockInstance, vi } from "vitest";

const PROCESS_FNS = ["spawn", "exec", "execFile", "fork", "spawnSync", "execSync", "execFileSync"] as const;
const FILE_FNS = [
  "readFile",
  "readFileSync",
  "open",
  "openSync",
  "createReadStream",
  "readSync",
  "read",
  "accessSync",
  "existsSync",
] as const;
const FILE_PROMISE_FNS = ["readFile", "open"] as const;

/**
 * Watches every way a library could start a process or read a file, for the duration of
 * `run`, and returns the calls seen. Spies sit on the shared module objects, and the ESM
 * named exports are re-synced so `import { spawn } from "node:child_process"` is caught too.
 */
export async function watchSideEffects(run: () => unknown): Promise<string[]> {
  const spies: [string, MockInstance][] = [];
  for (const fn of PROCESS_FNS) spies.push([`child_process.${fn}`, vi.spyOn(child_process, fn)]);
  for (const fn of FILE_FNS) spies.push([`fs.${fn}`, vi.spyOn(fs, fn)]);
  for (const fn of FILE_PROMISE_FNS) spies.push([`fs.promises.${fn}`, vi.spyOn(fs.promises, fn)]);
  syncBuiltinESMExports();
  try {
    await run();
    // Read before restoring: restoring a spy also forgets its calls.
    return spies.flatMap(([name, spy]) =>
      spy.mock.calls.map((args) => `${name}(${String(args[0]).slice(0, 80)})`),
    );
  } finally {
    for (const [, spy] of spies) spy.mockRestore();
    syncBuiltinESMExports();
  }
}
