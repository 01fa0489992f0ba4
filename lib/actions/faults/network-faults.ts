import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { plural } from "@/lib/text";
import { RunRefusedError } from "../errors";
import { isNotFound } from "../kube-errors";
import { labelSelectorParam, namespaceParam, objectNameParam } from "../param-schemas";
import type { ActionKube } from "../types";
import { cidrParam, countOrPercentage, directionParam, durationParam, hostNameParam, namePatternParam, targetShape } from "./fault-params";
import { containerUid, definePodFault } from "./pod-fault";

// Faults in the target pods' network: latency, loss, a partition from destinations, failing
// DNS and failing HTTP. The runner changes the pod's own network namespace (nftables, tc), so
// each needs NET_ADMIN and with it a namespace that admits privileged pods.

/** The container the runner sits beside: the pod's first (network faults touch the whole pod). */
const inPod = (pod: V1Pod) => {
  const container = pod.spec?.containers[0]?.name ?? "";
  return { targetContainer: container, targetUid: containerUid(pod, container) };
};

const latencyParams = z
  .object({
    ...targetShape,
    latencyMs: z.number().int().min(1).max(60_000).describe("Added latency (ms)").meta({ examples: [300] }),
    jitterMs: z.number().int().min(0).max(60_000).default(0).describe("Jitter (ms)"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage);

export const networkLatency = definePodFault({
  id: "network-latency",
  title: "Add network latency",
  description: "Delays every packet the chosen pods send by a fixed time, with optional jitter, for a duration (tc netem inside each pod).",
  params: latencyParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => `add ${p.latencyMs} ms latency${p.jitterMs ? ` (jitter ${p.jitterMs} ms)` : ""}`,
  faultFor: async (_kube, p, pod) => ({ fault: { kind: "network-latency", latencyMs: p.latencyMs, jitterMs: p.jitterMs }, ...inPod(pod) }),
});

const lossParams = z
  .object({
    ...targetShape,
    percent: z.number().int().min(1).max(100).describe("Packets to drop (%)").meta({ examples: [30] }),
    direction: directionParam("out"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage);

export const networkLoss = definePodFault({
  id: "network-loss",
  title: "Drop network packets",
  description: "Drops a share of the packets the chosen pods send, receive or both, for a duration (nftables inside each pod).",
  params: lossParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => `drop ${p.percent} % of packets (${p.direction})`,
  faultFor: async (_kube, p, pod) => ({ fault: { kind: "network-loss", percent: p.percent, direction: p.direction }, ...inPod(pod) }),
});

const partitionParams = z
  .object({
    ...targetShape,
    destinationSelector: labelSelectorParam.optional().describe("Cut off pods matching").meta({ examples: ["app=payment"] }),
    service: objectNameParam.optional().describe("Cut off the service").meta({ examples: ["payment"] }),
    destinationNamespace: namespaceParam.optional().describe("Namespace of those pods and the service (default: the target's)"),
    cidrs: z.array(cidrParam).max(256).default([]).describe("Cut off networks (one a line)").meta({ examples: [["10.96.0.0/12"]] }),
    hosts: z.array(hostNameParam).max(64).default([]).describe("Cut off host names (one a line)").meta({ examples: [["api.example.com"]] }),
    direction: directionParam("both"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage)
  .superRefine((p, ctx) => {
    if (!p.destinationSelector && !p.service && p.cidrs.length === 0 && p.hosts.length === 0) {
      ctx.addIssue({ code: "custom", message: "Name what to cut off: pods, a service, networks or host names.", path: ["destinationSelector"] });
    }
  });

type PartitionParams = z.output<typeof partitionParams>;

/** The addresses the destinations stand for now: pod IPs, the service's ClusterIP, and the networks given. */
async function partitionCidrs(kube: ActionKube, p: PartitionParams, targetNamespace: string): Promise<string[]> {
  const ns = p.destinationNamespace ?? targetNamespace;
  const out = [...p.cidrs];
  if (p.destinationSelector) {
    const pods = await kube.core.listNamespacedPod({ namespace: ns, labelSelector: p.destinationSelector, fieldSelector: "status.phase=Running" });
    const ips = pods.items.map((x) => x.status?.podIP).filter((ip): ip is string => !!ip);
    if (ips.length === 0) throw new RunRefusedError("empty-selection", `No running pod matches ${p.destinationSelector} in ${ns}: the partition would cut off nothing there.`);
    out.push(...ips);
  }
  if (p.service) {
    let svc;
    try {
      svc = await kube.core.readNamespacedService({ name: p.service, namespace: ns });
    } catch (err) {
      if (isNotFound(err)) throw new RunRefusedError("not-found", `There is no service ${p.service} in ${ns}.`);
      throw err;
    }
    const ip = svc.spec?.clusterIP;
    // A headless service has no address of its own: its pods are the destination.
    if (ip && ip !== "None") out.push(ip);
    else {
      const sel = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
      if (!sel) throw new RunRefusedError("invalid-params", `Service ${ns}/${p.service} has neither a ClusterIP nor a selector: name its pods or addresses instead.`);
      const pods = await kube.core.listNamespacedPod({ namespace: ns, labelSelector: sel, fieldSelector: "status.phase=Running" });
      out.push(...pods.items.map((x) => x.status?.podIP).filter((a): a is string => !!a));
    }
  }
  return [...new Set(out)];
}

export const networkPartition = definePodFault({
  id: "network-partition",
  title: "Partition pods from destinations",
  description:
    "Cuts the chosen pods off from other pods, a service, networks or host names, in one direction or both, for a duration (nftables inside each pod).",
  params: partitionParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => {
    const what = [p.destinationSelector && `pods ${p.destinationSelector}`, p.service && `service ${p.service}`, p.cidrs.length > 0 && plural(p.cidrs.length, "network"), p.hosts.length > 0 && plural(p.hosts.length, "host")].filter(Boolean);
    return `cut off ${what.join(", ")} (${p.direction})`;
  },
  faultFor: async (kube, p, pod) => ({
    fault: { kind: "network-partition", cidrs: await partitionCidrs(kube, p, pod.metadata!.namespace!), hosts: p.hosts, direction: p.direction },
    ...inPod(pod),
  }),
  planNotes: async (kube, p, pods) => ({
    cutOff: [...(await partitionCidrs(kube, p, pods[0]!.metadata!.namespace!)), ...p.hosts.map((h) => `${h} (resolved when the fault starts)`)],
  }),
});

const dnsParams = z
  .object({
    ...targetShape,
    patterns: z.array(namePatternParam).min(1, "Give at least one name or pattern.").max(64).describe("Names to fail (one a line; * stands for labels)").meta({ examples: [["*.example.com"]] }),
    answer: z.enum(["nxdomain", "servfail", "slow"]).default("nxdomain").describe("Answer"),
    delayMs: z.number().int().min(0).max(60_000).default(0).describe("Delay for slow answers (ms)"),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage)
  .superRefine((p, ctx) => {
    if (p.answer === "slow" && p.delayMs === 0) ctx.addIssue({ code: "custom", message: "Give the delay for slow answers.", path: ["delayMs"] });
  });

export const dnsFault = definePodFault({
  id: "dns-fault",
  title: "Fail DNS lookups",
  description: "Lookups of names matching patterns, made by the chosen pods, fail (NXDOMAIN or SERVFAIL) or answer slowly; other names resolve as usual.",
  params: dnsParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) => `answer ${p.answer === "slow" ? `${p.delayMs} ms late` : p.answer.toUpperCase()} for ${p.patterns.join(", ")}`,
  faultFor: async (_kube, p, pod) => ({ fault: { kind: "dns", patterns: p.patterns, answer: p.answer, delayMs: p.delayMs }, ...inPod(pod) }),
});

const httpParams = z
  .object({
    ...targetShape,
    port: z.number().int().min(1).max(65_535).describe("Port the pods serve on").meta({ examples: [8080] }),
    pathPrefix: z.string().trim().startsWith("/", "A path starts with /.").max(512).optional().describe("Path prefix").meta({ examples: ["/api"] }),
    percent: z.number().int().min(1).max(100).default(100).describe("Requests affected (%)"),
    delayMs: z.number().int().min(0).max(60_000).default(0).describe("Delay (ms)"),
    status: z.number().int().min(400).max(599).optional().describe("Answer with status").meta({ examples: [503] }),
    durationSeconds: durationParam,
  })
  .strict()
  .superRefine(countOrPercentage)
  .superRefine((p, ctx) => {
    if (p.delayMs === 0 && p.status === undefined) ctx.addIssue({ code: "custom", message: "Give a delay, an error status, or both.", path: ["delayMs"] });
  });

export const httpFault = definePodFault({
  id: "http-fault",
  title: "Delay or fail HTTP requests",
  description: "A share of the requests arriving at a port of the chosen pods (optionally under a path) is delayed or answered with an error status.",
  params: httpParams,
  durationSeconds: (p) => p.durationSeconds,
  describe: (p) =>
    `${[p.delayMs ? `delay ${p.delayMs} ms` : "", p.status ? `answer ${p.status}` : ""].filter(Boolean).join(" and ")} for ${p.percent} % of requests to port ${p.port}${p.pathPrefix ? ` under ${p.pathPrefix}` : ""}`,
  faultFor: async (_kube, p, pod) => {
    const serves = (pod.spec?.containers ?? []).some((c) => (c.ports ?? []).some((x) => x.containerPort === p.port));
    if (!serves) throw new RunRefusedError("invalid-params", `Pod ${pod.metadata?.name} declares no port ${p.port}: give the port its containers serve on.`);
    return {
      fault: { kind: "http", port: p.port, percent: p.percent, delayMs: p.delayMs, ...(p.pathPrefix ? { pathPrefix: p.pathPrefix } : {}), ...(p.status ? { status: p.status } : {}) },
      ...inPod(pod),
    };
  },
});
