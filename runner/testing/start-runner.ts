// Starts the bundled fault runner inside a test namespace, as the cluster starts it inside a
// pod, and follows its event lines.
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import { RUNNER_BUNDLE } from "./netns";

export interface RunnerLine {
  event?: string;
  msg?: string;
  reason?: string;
  errors?: string[];
  pids?: number[];
  [k: string]: unknown;
}

export interface StartedRunner {
  child: ChildProcess;
  lines: RunnerLine[];
  /** Resolves with the first line of this event; rejects if the runner exits first. */
  waitFor(event: string): Promise<RunnerLine>;
  exit: Promise<{ code: number | null; stderr: string }>;
}

/** Runners started and not yet exited, for the fixture to stop after a failed test. */
export const liveRunners = new Set<StartedRunner>();

export function startRunner(
  ns: string,
  input: {
    spec: unknown;
    leaseFile?: string;
    args?: string[];
    env?: Record<string, string>;
    /** Run as this user and group id with no capabilities, as an unprivileged container would. */
    uid?: number;
  },
): StartedRunner {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: "info",
    ...input.env,
    PYSTOL_FAULT_SPEC: JSON.stringify(input.spec),
  };
  delete env.PYSTOL_LEASE;
  if (input.leaseFile)
    env.PYSTOL_LEASE = JSON.stringify({ kind: "file", path: input.leaseFile, pollMs: 100 });
  const asUser =
    input.uid === undefined
      ? []
      : ["setpriv", `--reuid=${input.uid}`, `--regid=${input.uid}`, "--clear-groups", "--inh-caps=-all"];
  const child = spawn(
    "ip",
    ["netns", "exec", ns, ...asUser, process.execPath, RUNNER_BUNDLE, ...(input.args ?? [])],
    {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: RunnerLine[] = [];
  const listeners = new Set<() => void>();
  readline.createInterface({ input: child.stdout! }).on("line", (l) => {
    try {
      lines.push(JSON.parse(l) as RunnerLine);
    } catch {
      lines.push({ msg: l });
    }
    for (const f of listeners) f();
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stderr })),
  );
  const started: StartedRunner = {
    child,
    lines,
    exit,
    waitFor(event) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => l.event === event);
          if (hit) {
            listeners.delete(check);
            resolve(hit);
          }
        };
        listeners.add(check);
        check();
        void exit.then(({ code }) => {
          listeners.delete(check);
          const hit = lines.find((l) => l.event === event);
          if (hit) resolve(hit);
          else
            reject(
              new Error(
                `the runner exited (${String(code)}) before "${event}": ${lines.map((l) => l.msg).join(" | ")} ${stderr}`,
              ),
            );
        });
      });
    },
  };
  liveRunners.add(started);
  void exit.then(() => liveRunners.delete(started));
  return started;
}
