import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { memBytes } from "@/lib/views/quantity";
import { RunRefusedError } from "../errors";
import { containerNameParam, countOrPercentage, durationParam, targetShape } from "./fault-params";
import { containerUid, definePodFault } from "./pod-fault";

// Faults inside the target pods' processes: CPU and memory pressure (stress-ng in the pod,
// as an unprivileged user) and killing a container's main process in rounds.

const firstContainer = (pod: V1Pod) => {
  const container = pod.spec?.containers[0]?.name ?? "";
  return { targetContainer: container, targetUid: containerUid(pod, container) };
};

const cpuParams = z
  .object({
    ...targetShape,
    cores: z.number().int().min(1).max(256).default(1).describe("Cores to load"),
    percent: z.number().int().min(1).max(100).default(100).describe("Load of each core (%)"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage);

export const cpuPressure = definePodFault({
  id: "cpu-pressure",
  title: "CPU pressure",
  description: "Loads a number of cores to a percentage inside the chosen pods for a duration (stress-ng; it counts against the pod's CPU).",
  params: cpuParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => `load ${p.cores} ${p.cores === 1 ? "core" : "cores"} to ${p.percent} %`,
  faultFor: async (_kube, p, pod) => ({ fault: { kind: "cpu", cores: p.cores, percent: p.percent }, ...firstContainer(pod) }),
});

const MIB = 1024 * 1024;

const memoryParams = z
  .object({
    ...targetShape,
    mebibytes: z.number().int().min(1).max(64 * 1024 * 1024).optional().describe("Memory to hold (MiB)").meta({ examples: [256] }),
    percentOfLimit: z.number().int().min(1).max(200).optional().describe("Or: percentage of the pod's memory limit"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage)
  .superRefine((p, ctx) => {
    if ((p.mebibytes === undefined) === (p.percentOfLimit === undefined)) {
      ctx.addIssue({ code: "custom", message: "Give the memory in MiB or as a percentage of the limit: one of the two.", path: ["mebibytes"] });
    }
  });

/** The pod's memory limit: the sum of its containers' (the runner's pressure lands in the pod's cgroup). */
function podMemoryLimit(pod: V1Pod): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const limit = c.resources?.limits?.memory;
    if (!limit) throw new RunRefusedError("invalid-params", `Container ${c.name} of pod ${pod.metadata?.name} has no memory limit: give the memory in MiB instead.`);
    total += memBytes(limit);
  }
  return total;
}

export const memoryPressure = definePodFault({
  id: "memory-pressure",
  title: "Memory pressure",
  description: "Holds an amount of memory, or a share of the pod's memory limit, inside the chosen pods for a duration (stress-ng).",
  params: memoryParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => (p.mebibytes !== undefined ? `hold ${p.mebibytes} MiB of memory` : `hold ${p.percentOfLimit} % of the memory limit`),
  faultFor: async (_kube, p, pod) => {
    const bytes = p.mebibytes !== undefined ? p.mebibytes * MIB : Math.floor((podMemoryLimit(pod) * p.percentOfLimit!) / 100);
    return { fault: { kind: "memory", bytes: Math.max(MIB, bytes) }, ...firstContainer(pod) };
  },
  planNotes: async (_kube, p, pods): Promise<Record<string, string[]>> =>
    p.percentOfLimit === undefined ? {} : { memory: pods.map((pod) => `${pod.metadata?.name}: ${Math.floor((podMemoryLimit(pod) * p.percentOfLimit!) / 100 / MIB)} MiB`) },
});

const processParams = z
  .object({
    namespace: targetShape.namespace,
    labelSelector: targetShape.labelSelector,
    count: targetShape.count,
    percentage: targetShape.percentage,
    container: containerNameParam.describe("Container").meta({ examples: ["cart"] }),
    processName: z
      .string()
      .trim()
      .min(1)
      .max(15, "A process name is at most 15 characters (as /proc shows it).")
      .regex(/^[^/\s]+$/, "Give the process name as ps shows it, without a path.")
      .optional()
      .describe("Process name (default: the container's command)"),
    signal: z.enum(["SIGKILL", "SIGTERM", "SIGINT"]).default("SIGKILL").describe("Signal"),
    repeat: z.number().int().min(1).max(100).default(1).describe("Rounds"),
    intervalSeconds: z.number().int().min(1).max(3600).default(30).describe("Seconds between rounds"),
  })
  .strict()
  .superRefine(countOrPercentage);

type ProcessParams = z.output<typeof processParams>;

/** The process a container runs: its command, else the image's name (as a runtime names it). */
function mainProcess(pod: V1Pod, container: string, p: ProcessParams): string {
  if (p.processName) return p.processName;
  const c = pod.spec?.containers.find((x) => x.name === container);
  const command = c?.command?.[0] ?? c?.image?.split("/").pop()?.split(/[:@]/)[0] ?? container;
  return command.split("/").pop()!.slice(0, 15);
}

export const processKill = definePodFault({
  id: "process-kill",
  title: "Kill a container's process",
  description:
    "Signals the main process of a container in the chosen pods, once or in rounds, so the kubelet restarts the container (its restart count grows).",
  params: processParams,
  // The runner's last round, plus time for its signal to land.
  durationSeconds: (p) => (p.repeat - 1) * p.intervalSeconds + 15,
  durationInSummary: false,
  describe: (p) => `send ${p.signal} to ${p.processName ?? "the main process"} of container ${p.container}${p.repeat > 1 ? `, ${p.repeat} rounds every ${p.intervalSeconds}s` : ""}`,
  faultFor: async (_kube, p, pod) => {
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    if (!names.includes(p.container)) {
      throw new RunRefusedError("not-found", `Pod ${pod.metadata?.name} has no container ${p.container}. Its containers: ${names.join(", ")}.`);
    }
    return {
      fault: { kind: "process-kill", name: mainProcess(pod, p.container, p), signal: p.signal, rounds: p.repeat, intervalSeconds: p.intervalSeconds },
      targetContainer: p.container,
      targetUid: containerUid(pod, p.container),
    };
  },
  planNotes: async (_kube, p, pods) => ({ process: [...new Set(pods.map((pod) => mainProcess(pod, p.container, p)))] }),
});
