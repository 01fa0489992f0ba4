import { z } from "zod";
import { RunRefusedError } from "./errors";
import { buildMatrix } from "./ping-matrix";
import { nodeAddress, parseProbeLog, probePod, type ProbeLine } from "./probe-pod";
import { exactlyOneNodeSelection, namespaceParam, nodeSelectionShape } from "./param-schemas";
import { selectNodes } from "./select";
import { performUndo } from "./undo";
import { waitFor } from "./wait-for";
import { defineAction, type Target } from "./types";
import { plural } from "@/lib/text";

const params = z
  .object({
    ...nodeSelectionShape,
    maxNodes: z.number().int().min(1).max(50).default(10).describe("Most nodes"),
    hosts: z
      .array(z.string().regex(/^[A-Za-z0-9.:-]{1,253}$/, "Use host names or addresses, such as checkout.shop or 10.0.0.7."))
      .max(20)
      .default([])
      .describe("Also probe these hosts or services"),
    rounds: z.number().int().min(1).max(20).default(3).describe("Rounds"),
    image: z.string().min(1).max(500).regex(/^[^\s]+$/, "Use an image reference without spaces, such as busybox:1.36.").default("busybox:1.36").describe("Probe image (needs sh and ping)"),
    namespace: namespaceParam.default("default"),
    timeoutSeconds: z.number().int().min(5).max(3600).default(120).describe("Timeout (seconds)"),
  })
  .strict()
  .superRefine(exactlyOneNodeSelection)
  .superRefine((p, ctx) => {
    // One named node has no other node to probe: it needs a host, which the form can say now.
    if (p.nodeName && p.hosts.length === 0) {
      ctx.addIssue({ code: "custom", message: "One node has no other node to probe: add a host, or give a node label selector that matches two nodes or more.", path: ["hosts"] });
    }
  });

/** Probe pods on the selected nodes measure reachability and latency between every pair and to hosts. */
export const pingTest = defineAction({
  id: "ping-test",
  title: "Ping test",
  description:
    "Places a probe pod on each selected node; each probes every other node and the given hosts for a few rounds. " +
    "The result is a reachability and latency matrix. The probe pods are always removed.",
  params,
  permissions: ["list nodes", "create pods", "get pods", "delete pods", "get pods/log"],
  async plan(ctx, p) {
    const nodes = (await selectNodes(ctx.kube, p)).slice(0, p.maxNodes);
    if (nodes.length < 2 && p.hosts.length === 0) {
      throw new RunRefusedError("empty-selection", `Only ${nodes.length} node matches ${p.labelSelector ?? p.nodeName}: a ping test needs two nodes, or one node and a host to probe`);
    }
    const names = nodes.map((n) => n.metadata?.name ?? "");
    const probes: Target[] = names.map((_, i) => ({ kind: "Pod", namespace: p.namespace, name: `pystol-probe-${ctx.planId}-${i}` }));
    const hosts: Target[] = p.hosts.map((h) => ({ kind: "Host", name: h }));
    return {
      targets: [...probes, ...hosts],
      summary: `probe ${plural(names.length, "node")}${p.hosts.length ? ` and ${plural(p.hosts.length, "host")}` : ""} for ${plural(p.rounds, "round")}`,
      detail: { nodes: names, addresses: nodes.map(nodeAddress), hosts: p.hosts },
    };
  },
  async execute(ctx, p, plan) {
    const detail = plan.detail as { nodes: string[]; addresses: string[]; hosts: string[] };
    const probes = plan.targets.filter((t) => t.kind === "Pod");
    const names = probes.map((t) => t.name);
    await ctx.step(
      `create ${plural(probes.length, "probe pod")}`,
      null,
      async () => {
        await Promise.all(
          detail.nodes.map((node, i) =>
            ctx.kube.core.createNamespacedPod({
              namespace: p.namespace,
              body: probePod({
                name: names[i]!, namespace: p.namespace, node, image: p.image, runId: ctx.runId, rounds: p.rounds,
                targets: [...detail.addresses.filter((_, j) => j !== i), ...detail.hosts],
              }),
            }),
          ),
        );
      },
      // The probes are removed at the end of the run whatever happens.
      { undo: { kind: "delete-pods", namespace: p.namespace, names }, undoAfterMs: 0 },
    );
    ctx.progress(20);
    const logs = await ctx.step("collect probe results", null, (signal) =>
      waitFor("probe pods to finish", async () => {
        const pods = await ctx.kube.core.listNamespacedPod({ namespace: p.namespace, labelSelector: `pystol.io/run=${ctx.runId}` });
        const finished = pods.items.filter((pod) => ["Succeeded", "Failed"].includes(pod.status?.phase ?? ""));
        if (finished.length < names.length) return undefined;
        return Promise.all(names.map((name) => ctx.kube.core.readNamespacedPodLog({ name, namespace: p.namespace, container: "probe" })));
      }, { timeoutMs: p.timeoutSeconds * 1000, signal, intervalMs: 1_000 }),
      { timeoutMs: p.timeoutSeconds * 1000 + 5_000 },
    );
    const byNode = new Map<string, ProbeLine[]>(detail.nodes.map((node, i) => [node, parseProbeLog(String(logs[i] ?? "")).lines]));
    const nameOf = new Map(detail.addresses.map((a, i) => [a, detail.nodes[i]!]));
    const matrix = buildMatrix(byNode, [...detail.nodes, ...detail.hosts], (t) => nameOf.get(t) ?? t, p.rounds);
    const unreachable = Object.values(matrix.cells).flatMap((row) => Object.values(row)).filter((c) => c && !c.reachable).length;
    ctx.log(`ping matrix of ${plural(detail.nodes.length, "node")}: ${plural(unreachable, "unreachable pair")}`);
    ctx.progress(100);
    return { matrix, unreachable };
  },
  rollback: performUndo,
});
