import type { V1Pod } from "@kubernetes/client-node";
import type { z } from "zod";
import { admits, runnerRequirements, type PodSecurityLevel } from "@/runner/requirements";
import { runnerContainerName } from "@/runner/container";
import type { Fault, FaultSpec } from "@/runner/spec";
import { plural } from "@/lib/text";
import { RunRefusedError } from "../errors";
import { refuseEmptyPodSelection, selectorRefusal } from "../explain-selection";
import { howMany, isLive, pickRandom, podTarget } from "../select";
import { defineAction, type ActionContext, type ActionDefinition, type ActionKube, type Plan, type PlanContext } from "../types";
import { performUndo } from "../undo";
import { injectFault, leaseEndpoint, prepareRunner, renewLease } from "./runner-access";
import { parseImageReference } from "./image-reference";
import { runnerImageFor, runnerSettings, teamRunnerImageSchema } from "./runner-settings";

// One shape for every fault the runner makes inside target pods: choose pods as pod kill
// does, refuse at plan time a namespace whose Pod Security level would refuse the runner,
// then per pod write the undo record, inject, hold the Lease while the run lasts, release it.

/** What the mechanism needs of the credentials, whatever the fault. */
export const RUNNER_PERMISSIONS = [
  "list pods",
  "get pods",
  "patch pods/ephemeralcontainers",
  "get namespaces",
  "get services",
  "get configmaps",
  "get leases",
  "create leases",
  "update leases",
  "delete leases",
  "create serviceaccounts",
  "delete serviceaccounts",
  "create serviceaccounts/token",
  "create roles",
  "delete roles",
  "create rolebindings",
  "delete rolebindings",
] as const;

export interface PodFaultParams {
  namespace: string;
  labelSelector: string;
  count?: number;
  percentage?: number;
}

/** A fault for one pod, worked out from the params and the pod's spec (a memory limit, a container's user). */
export interface PodFault {
  fault: Fault;
  /** The container whose processes a process fault shares; the first one otherwise. */
  targetContainer: string;
  targetUid: number;
}

export interface PodFaultDefinition<S extends z.ZodType> {
  id: string;
  title: string;
  description: string;
  params: S;
  /** Permissions beyond the mechanism's (reading what partition destinations name). */
  extraPermissions?: readonly string[];
  durationSeconds(p: z.output<S>): number;
  /** False when the duration is not the person's but follows from other parameters (rounds). */
  durationInSummary?: boolean;
  /** The fault for a pod; throws RunRefusedError when the pod cannot take it. */
  faultFor(kube: ActionKube, p: z.output<S>, pod: V1Pod): Promise<PodFault>;
  /** "add 300 ms latency (jitter 50 ms)": what the fault does, for the summary. */
  describe(p: z.output<S>): string;
  /** Lines for the plan beyond the common ones (the addresses a partition cuts off). */
  planNotes?(kube: ActionKube, p: z.output<S>, pods: V1Pod[]): Promise<Record<string, string | string[]>>;
}

const ENFORCE = "pod-security.kubernetes.io/enforce";
const LEVELS: readonly PodSecurityLevel[] = ["restricted", "baseline", "privileged"];

/** The namespace's enforced Pod Security level; no label is privileged (the API server's default). */
async function enforcedLevel(kube: ActionKube, namespace: string): Promise<PodSecurityLevel> {
  const ns = await kube.core.readNamespace({ name: namespace });
  const label = ns.metadata?.labels?.[ENFORCE];
  return LEVELS.includes(label as PodSecurityLevel) ? (label as PodSecurityLevel) : "privileged";
}

/** The user a container runs as, from its or the pod's securityContext; root when neither says. */
export function containerUid(pod: V1Pod, container: string): number {
  const c = pod.spec?.containers.find((x) => x.name === container);
  return c?.securityContext?.runAsUser ?? pod.spec?.securityContext?.runAsUser ?? 0;
}

/** Running pods of a namespace matching a selector, in name order (whole pods: the fault reads their spec). */
async function runningPods(kube: ActionKube, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  let list;
  try {
    list = await kube.core.listNamespacedPod({ namespace, labelSelector, fieldSelector: "status.phase=Running" });
  } catch (err) {
    throw selectorRefusal(err, labelSelector) ?? err;
  }
  return list.items.filter(isLive).sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

/** The runner's id for the i-th target of a plan: names its Lease, account, container and rule table. */
export const faultId = (planId: string, index: number) => `${planId}_${index}`;

export function definePodFault<S extends z.ZodType>(def: PodFaultDefinition<S>): ActionDefinition<S> {
  const choose = async (ctx: Pick<PlanContext, "kube" | "random">, p: PodFaultParams) => {
    const pods = await runningPods(ctx.kube, p.namespace, p.labelSelector);
    const chosen = pickRandom(pods, howMany(pods.length, p.count, p.percentage), ctx.random);
    return { pods, chosen: chosen.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "")) };
  };

  async function plan(ctx: PlanContext, p: z.output<S>): Promise<Plan> {
    const tp = p as PodFaultParams;
    const { pods, chosen } = await choose(ctx, tp);
    if (chosen.length === 0) await refuseEmptyPodSelection(ctx.kube, tp.namespace, tp.labelSelector);
    const faults = await Promise.all(chosen.map((pod) => def.faultFor(ctx.kube, p, pod)));
    // The strictest need among the pods (a process fault on a root target needs more).
    const needs = faults.map((f) => runnerRequirements(f.fault.kind, f.targetUid === 0));
    const need = needs.reduce((a, b) => (LEVELS.indexOf(b.podSecurity) > LEVELS.indexOf(a.podSecurity) ? b : a));
    const enforced = await enforcedLevel(ctx.kube, tp.namespace);
    if (!admits(enforced, need.podSecurity)) {
      throw new RunRefusedError(
        "pod-security",
        `Namespace ${tp.namespace} enforces the ${enforced} Pod Security level, which refuses this fault's runner. ${need.reason}`,
        { namespace: tp.namespace, enforced, needed: need.podSecurity },
      );
    }
    const runnerImage = planRunnerImage(ctx.runnerImage);
    const duration = def.durationSeconds(p);
    const names = chosen.map((pod, i) => `${pod.metadata!.name}: runner ${runnerContainerName({ id: faultId(ctx.planId, i) })}`);
    const notes = def.planNotes ? await def.planNotes(ctx.kube, p, chosen) : {};
    return {
      targets: chosen.map(podTarget),
      summary: `${def.describe(p)} in ${chosen.length} of ${plural(pods.length, "matching pod")} (${tp.labelSelector} in ${tp.namespace})${def.durationInSummary === false ? "" : ` for ${duration}s`}`,
      detail: {
        faultId: ctx.planId,
        runners: names,
        runnerImage,
        capabilities: need.capabilities.length > 0 ? need.capabilities.join(", ") : "none",
        podSecurity: `${tp.namespace} enforces ${enforced}; the runner needs ${need.podSecurity}`,
        ...notes,
      },
    };
  }

  async function execute(ctx: ActionContext, p: z.output<S>, planned: Plan): Promise<Record<string, string[] | number>> {
    const tp = p as PodFaultParams;
    const planId = String(planned.detail?.faultId ?? "");
    if (!/^[0-9a-f]{1,20}$/.test(planId)) throw new Error("the plan names no fault id");
    const duration = def.durationSeconds(p);
    // The image the plan showed (the person confirmed that one); a plan from before the plan
    // named a valid image gets the one the team would get now.
    const plannedImage = String(planned.detail?.runnerImage ?? "");
    const image = parseImageReference(plannedImage) ? plannedImage : runnerImageFor(ctx.runnerImage);
    const endpoint = await leaseEndpoint(ctx.kube, tp.namespace);
    const injected: Array<{ namespace: string; name: string; pod: string }> = [];
    const each = async (fn: (target: Plan["targets"][number], i: number) => Promise<void>) => {
      const results = await Promise.allSettled(planned.targets.map(fn));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    };
    const prepared = await Promise.all(
      planned.targets.map(async (target, i) => {
        const id = faultId(planId, i);
        const pod = await ctx.kube.core.readNamespacedPod({ name: target.name, namespace: tp.namespace });
        const f = await def.faultFor(ctx.kube, p, pod);
        return { id, name: runnerContainerName({ id }), pod, f, spec: { id, durationSeconds: duration, fault: f.fault } satisfies FaultSpec };
      }),
    );
    // Every account first, then every injection: a rollback (latest step first) then releases
    // every fault before it waits for any runner to end and removes its account. The accounts
    // are removed a little after the faults' end, once their runners have seen it.
    await each((target, i) => {
      const x = prepared[i]!;
      return ctx.step(`prepare the fault runner for pod ${target.name}`, target, () => prepareRunner(ctx.kube, ctx.runId, tp.namespace, x.name), {
        undo: { kind: "remove-fault-runner", namespace: tp.namespace, pod: target.name, name: x.name, cleanup: x.spec, image },
        undoAfterMs: duration * 1000 + 3000,
      }).then(() => undefined);
    });
    await each((target, i) => {
      const x = prepared[i]!;
      return ctx
        .step(
          `inject ${x.f.fault.kind} into pod ${target.name}`,
          target,
          (signal) => injectFault({ kube: ctx.kube, runId: ctx.runId, pod: x.pod, spec: x.spec, name: x.name, targetContainer: x.f.targetContainer, targetUid: x.f.targetUid, endpoint, image }, signal),
          // Written before anything is created: whoever holds the run later can end the fault.
          // The time allows for the image's pull on a node that does not have it yet.
          { undo: { kind: "release-fault", namespace: tp.namespace, pod: target.name, name: x.name }, undoAfterMs: duration * 1000, timeoutMs: 120_000 },
        )
        .then(() => void injected.push({ namespace: tp.namespace, name: x.name, pod: target.name }));
    });
    ctx.log(`${def.describe(p)}: ${plural(injected.length, "pod")} for ${duration}s`, { pods: injected.map((x) => x.pod) });
    // Hold: renew every Lease until the duration is up. An abort wakes the sleep and the
    // rollback releases them; a worker that dies stops renewing and the runners end alone.
    const renewMs = (runnerSettings().PYSTOL_FAULT_LEASE_SECONDS * 1000) / 3;
    const until = Date.now() + duration * 1000;
    const ended = new Set<string>();
    while (Date.now() < until) {
      await ctx.sleep(Math.min(renewMs, until - Date.now()));
      if (Date.now() >= until) break;
      for (const x of injected) {
        if (ended.has(x.name)) continue;
        const held = await renewLease(ctx.kube, x.namespace, x.name).catch((err: Error) => {
          ctx.log(`renewing the lease of pod ${x.pod} failed: ${err.message}`, {}, "warn");
          return true;
        });
        if (!held) {
          ended.add(x.name);
          ctx.log(`the fault in pod ${x.pod} ended early: its lease ${x.name} was deleted`, {}, "warn");
        }
      }
      ctx.progress(Math.min(99, ((duration * 1000 - (until - Date.now())) / (duration * 1000)) * 100));
    }
    return { pods: injected.map((x) => x.pod), durationSeconds: duration };
  }

  return defineAction({
    id: def.id,
    title: def.title,
    description: def.description,
    params: def.params,
    permissions: [...RUNNER_PERMISSIONS, ...(def.extraPermissions ?? [])],
    plan,
    execute,
    rollback: performUndo,
  });
}

/**
 * The image a plan starts: the team's when it chose one, else the installation's. The team's
 * was checked when saved; it is checked again here because the installation's list of allowed
 * registries (PYSTOL_RUNNER_IMAGE_REGISTRIES) may have changed since.
 */
function planRunnerImage(teamImage: string | undefined): string {
  if (!teamImage) return runnerImageFor(undefined);
  const checked = teamRunnerImageSchema().safeParse(teamImage);
  if (!checked.success) {
    throw new RunRefusedError(
      "invalid-params",
      `The team's fault runner image ${teamImage} is refused: ${checked.error.issues[0]?.message ?? "not an image reference"} Change it in the team's settings.`,
      { runnerImage: teamImage },
    );
  }
  return checked.data;
}
