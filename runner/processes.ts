// Processes the runner starts (stress-ng for CPU and memory pressure) and processes it kills
// (process faults). Started processes lead their own process group so the runner can end all
// of them; it asks stress-ng first, which reaps its workers, because in a shared process
// namespace an orphaned worker would be left to the target's PID 1, which may never reap it.
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";

export interface HeldProcess {
  pid: number;
  /** Resolves when the process has exited and was reaped. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startHeld(argv: string[]): HeldProcess {
  const [cmd, ...args] = argv;
  if (!cmd) throw new Error("empty command");
  const child: ChildProcess = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", (e) => reject(new Error(`${cmd} could not start: ${e.message}`)));
    child.on("exit", (code) => resolve(code));
  });
  // A start failure surfaces through `exited`; nobody may be awaiting it yet.
  exited.catch(() => undefined);
  const pid = child.pid ?? -1;
  return {
    pid,
    exited: exited.then((code) => {
      if (code !== 0 && code !== null && stderr)
        throw new Error(`${cmd} exited with ${code}: ${stderr.trim()}`);
      return code;
    }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || pid < 0) return;
      child.kill("SIGTERM");
      const late = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // the group is already gone
        }
      }, 1_500);
      await exited.catch(() => undefined);
      clearTimeout(late);
      // Workers that ignored their parent's end go with the group.
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // nothing left
      }
    },
  };
}

/** Processes of this PID namespace whose name (/proc/PID/comm) is `name`, the runner excepted. */
export async function processesNamed(name: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      if ((await readFile(`/proc/${pid}/comm`, "utf8")).trim() === name) out.push(pid);
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/** Sends the signal to the named process (or pid); returns the pids signalled. */
export async function killRound(
  target: { name?: string; pid?: number },
  signal: NodeJS.Signals,
): Promise<number[]> {
  const pids = target.pid !== undefined ? [target.pid] : await processesNamed(target.name ?? "");
  const hit: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      hit.push(pid);
    } catch {
      // gone already, or not ours to signal: the round reports only what it hit
    }
  }
  return hit;
}
