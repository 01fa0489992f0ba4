import { parseQuantity } from "@/lib/sandbox/quantity";
import type { ContainerJson } from "./kube-json";

/** CPU in millicores from a Kubernetes quantity ("250m", "2"); 0 when absent or invalid. */
export function cpuMillis(q: string | undefined): number {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v * 1000) : 0;
}

/** Memory in bytes from a Kubernetes quantity ("128Mi", "1G"); 0 when absent or invalid. */
export function memBytes(q: string | undefined): number {
  const v = parseQuantity(q);
  return Number.isFinite(v) ? Math.round(v) : 0;
}

/** The CPU and memory a pod's containers request (as the scheduler counts them, init aside). */
export function podRequests(containers: ContainerJson[] | undefined): { cpu: number; mem: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of containers ?? []) {
    const r = c.resources?.requests ?? c.resources?.limits;
    cpu += cpuMillis(r?.cpu);
    mem += memBytes(r?.memory);
  }
  return { cpu, mem };
}

export function formatCpu(millis: number): string {
  return millis >= 10_000 ? `${(millis / 1000).toFixed(0)} cores` : millis >= 1000 ? `${(millis / 1000).toFixed(1)} cores` : `${millis}m`;
}

export function formatMem(bytes: number): string {
  const gi = bytes / 1024 ** 3;
  if (gi >= 1024) return `${(gi / 1024).toFixed(1)} TiB`;
  if (gi >= 1) return `${gi.toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** "3d", "5h", "12m", "40s" since an ISO time; "—" when unknown. */
export function age(iso: string | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s)) return "—";
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d`;
  if (s >= 3_600) return `${Math.floor(s / 3_600)}h`;
  if (s >= 60) return `${Math.floor(s / 60)}m`;
  return `${s}s`;
}
