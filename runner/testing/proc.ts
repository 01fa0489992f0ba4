// What /proc says about processes, for the fault runner's tests and benchmark: CPU time and
// resident memory of one process or of a process group (stress-ng and its workers).
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux build Node runs on.
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] {
  // The command name may hold spaces and parentheses; the fields start after its last ")".
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

/** User plus system CPU seconds the process has used. */
export function cpuSeconds(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** Resident and peak resident bytes (VmRSS, VmHWM). */
export function memoryBytes(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** Live processes whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[2]) === pgid) out.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

const sumOver = (pids: number[], f: (pid: number) => number) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + f(pid);
    } catch {
      return sum; // ended while we looked
    }
  }, 0);

export const groupRssBytes = (pgid: number) => sumOver(groupMembers(pgid), (pid) => memoryBytes(pid).rss);

/**
 * Seconds a process group spent on a CPU and waiting for one (/proc/PID/schedstat). Their sum
 * is the CPU the group asked for: on a busy machine a duty-cycled load gets less than it asks,
 * and the difference shows up as waiting, not as a lower load.
 */
export function groupSchedSeconds(pgid: number): { run: number; wait: number } {
  let run = 0;
  let wait = 0;
  for (const pid of groupMembers(pgid)) {
    try {
      const [r = "0", w = "0"] = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ");
      run += Number(r) / 1e9;
      wait += Number(w) / 1e9;
    } catch {
      // ended while we looked
    }
  }
  return { run, wait };
}
