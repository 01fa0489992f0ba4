import { unitHash } from "./names";
import { bytes, cpuMilli } from "./quantity";
import type { KObject } from "./types";

type Container = { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } };

// Usage drifts on a few-minute cycle with a per-object phase, so graphs move but stay plausible.
function wave(seed: string, now: number): number {
  const ph = unitHash(seed) * Math.PI * 2;
  const slow = Math.sin(now / 180_000 + ph);
  const fast = Math.sin(now / 23_000 + ph * 3) * 0.3;
  return 0.55 + 0.3 * slow + 0.15 * fast;
}

/** Simulated CPU (millicores) and memory (bytes) of one container of a running pod. */
export function containerUsage(pod: KObject, c: Container, now: number, extraCpuFactor = 1): { cpu: number; mem: number } {
  const req = c.resources?.requests ?? c.resources?.limits ?? {};
  const cpuReq = cpuMilli(req.cpu ?? "50m") || 50;
  const memReq = bytes(req.memory ?? "64Mi") || 64 * 1024 * 1024;
  const seed = `${pod.metadata.uid}/${c.name}`;
  const w = wave(seed, now);
  return {
    cpu: Math.max(1, Math.round(cpuReq * w * 1.2 * extraCpuFactor)),
    mem: Math.round(memReq * (0.6 + 0.25 * wave(seed + "m", now / 4))),
  };
}

export function podUsage(pod: KObject, now: number, extraCpuFactor = 1) {
  const cs = ((pod.spec as { containers?: Container[] }).containers ?? []);
  return cs.map((c) => ({ name: c.name, ...containerUsage(pod, c, now, extraCpuFactor) }));
}

/** Node usage: its pods plus the system's own share. */
export function nodeUsage(node: KObject, pods: Iterable<KObject>, now: number): { cpu: number; mem: number } {
  let cpu = 80 + 40 * wave(node.metadata.name ?? "", now);
  let mem = 600 * 1024 * 1024;
  for (const p of pods) {
    if ((p.status as { phase?: string } | undefined)?.phase !== "Running") continue;
    for (const u of podUsage(p, now)) {
      cpu += u.cpu;
      mem += u.mem;
    }
  }
  return { cpu, mem };
}
