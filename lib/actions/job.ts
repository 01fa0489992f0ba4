import type { V1Pod } from "@kubernetes/client-node";
import { z } from "zod";
import { ActionFailedError } from "./errors";
import { namespaceParam } from "./param-schemas";
import { performUndo } from "./undo";
import { waitFor } from "./wait-for";
import { defineAction, type ActionKube } from "./types";

const params = z
  .object({
    namespace: namespaceParam.default("default"),
    image: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[^\s]+$/, "Use an image reference without spaces, such as busybox:1.36.")
      .describe("Container image")
      .meta({ examples: ["busybox:1.36"] }),
    command: z.array(z.string().max(10_000)).min(1).max(100).describe("Command"),
    args: z.array(z.string().max(10_000)).max(100).default([]).describe("Arguments"),
    timeoutSeconds: z.number().int().min(1).max(24 * 3600).default(300).describe("Timeout (seconds)"),
  })
  .strict();

const MAX_LOG_CHARS = 64_000;

function exitCodeOf(pod: V1Pod | undefined): number | undefined {
  return pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
}

async function jobPod(kube: ActionKube, namespace: string, job: string): Promise<V1Pod | undefined> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` });
  return pods.items.sort((a, b) => String(b.metadata?.creationTimestamp).localeCompare(String(a.metadata?.creationTimestamp)))[0];
}

/** Runs a container image as a batch Job in the target cluster, captures log and exit code, removes it. */
export const jobAction = defineAction({
  id: "job",
  title: "Run a job",
  description:
    "Runs a container image and command as a Kubernetes batch Job in the target cluster, captures its log " +
    "and exit code, then deletes the Job. A non-zero exit code fails the run.",
  params,
  permissions: ["create jobs", "get jobs", "delete jobs", "list pods", "get pods/log"],
  async plan(ctx, p) {
    // The name is fixed now, from the plan's id, so that the dry run shows exactly the object
    // the run creates and the run started from that dry run creates that very object.
    const name = `pystol-job-${ctx.planId}`;
    return {
      targets: [{ kind: "Job", namespace: p.namespace, name }],
      summary: `run ${p.image} (${p.command.join(" ").slice(0, 80)}) as Job ${p.namespace}/${name}`,
      detail: { jobName: name },
    };
  },
  async execute(ctx, p, plan) {
    const target = plan.targets[0]!;
    const name = target.name;
    await ctx.step(
      `create job ${name}`,
      target,
      async () => {
        await ctx.kube.batch.createNamespacedJob({
          namespace: p.namespace,
          body: {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: { name, labels: { "app.kubernetes.io/managed-by": "pystol", "pystol.io/run": ctx.runId } },
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: p.timeoutSeconds,
              template: {
                metadata: { labels: { "pystol.io/run": ctx.runId } },
                spec: { restartPolicy: "Never", containers: [{ name: "action", image: p.image, command: p.command, args: p.args }] },
              },
            },
          },
        });
      },
      // The Job is removed at the end whatever happens (cleanup, due at once).
      { undo: { kind: "delete-job", namespace: p.namespace, name }, undoAfterMs: 0 },
    );
    ctx.progress(20);
    // The step ends with the Job: it fails when the Job failed (its log and exit code are
    // read first, so the failed run keeps them), and the run fails with it.
    const result = await ctx.step(`wait for job ${name}`, target, async (signal) => {
      const outcome = await waitFor(`job ${name} to finish`, async () => {
        const job = await ctx.kube.batch.readNamespacedJob({ name, namespace: p.namespace });
        const done = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
        return done ? done.type : undefined;
      }, { timeoutMs: p.timeoutSeconds * 1000, signal, intervalMs: 1_000 });
      ctx.progress(80);
      const pod = await jobPod(ctx.kube, p.namespace, name);
      const log = pod?.metadata?.name
        ? await ctx.kube.core.readNamespacedPodLog({ name: pod.metadata.name, namespace: p.namespace, container: "action" })
        : "";
      const exitCode = exitCodeOf(pod) ?? (outcome === "Complete" ? 0 : null);
      const ended = { job: name, outcome, exitCode, log: String(log).slice(-MAX_LOG_CHARS) };
      ctx.log(`job ${name} ended: ${outcome}, exit code ${exitCode ?? "unknown"}`);
      if (outcome !== "Complete" || exitCode !== 0) throw new ActionFailedError(`job ${name} exited with code ${exitCode ?? "unknown"}`, ended);
      return ended;
    }, { timeoutMs: p.timeoutSeconds * 1000 + 5_000 });
    ctx.progress(100);
    return result;
  },
  rollback: performUndo,
});
