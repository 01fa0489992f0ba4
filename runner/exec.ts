// Runs the system tools the runner drives (nft, tc, stress-ng) and turns their failures into
// sentences that say which command failed and what it printed.
import { spawn } from "node:child_process";

export class CommandError extends Error {
  override name = "CommandError";
  constructor(
    readonly argv: string[],
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(
      `${argv.join(" ")} failed${code === null ? "" : ` (exit ${code})`}: ${stderr.trim() || "no output"}`,
    );
  }
}

/** Runs a command to its end; resolves with its output, rejects with a CommandError. */
export function runCommand(argv: string[], input?: string): Promise<string> {
  const [cmd, ...args] = argv;
  if (!cmd) return Promise.reject(new Error("empty command"));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", (e) => reject(new CommandError(argv, e.message, null)));
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new CommandError(argv, err, code))));
    // A command that exits without reading its input must not crash the runner with EPIPE.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(input);
  });
}
