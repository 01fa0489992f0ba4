import type { ClusterContext } from "../context";
import { createObject, deleteObject } from "../objects";
import { nowIso, randomSuffix } from "../names";
import { JOB, POD } from "../resources";
import type { KObject } from "../types";
import { condition, isActive, isReady, owned, phaseOf, podFromTemplate, specOf, statusOf, writeStatus, type Obj } from "./util";

/** Run pods until `completions` succeed or more than `backoffLimit` fail. */
export function reconcileJob(ctx: ClusterContext, job: KObject) {
  if (job.metadata.deletionTimestamp) return;
  const ns = job.metadata.namespace!;
  const spec = specOf(job);
  const st = statusOf(job);
  const conds = (st.conditions ?? []) as Obj[];
  const finished = conds.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  const pods = owned(ctx, job, "Pod");
  const succeeded = pods.filter((p) => phaseOf(p) === "Succeeded").length;
  const failed = pods.filter((p) => phaseOf(p) === "Failed").length;
  let active = pods.filter(isActive);
  const completions = Number(spec.completions ?? 1);
  const parallelism = Number(spec.parallelism ?? 1);
  const backoffLimit = Number(spec.backoffLimit ?? 6);
  const uid = job.metadata.uid!;
  const next: Obj = { ...st, startTime: st.startTime ?? nowIso(), uncountedTerminatedPods: {} };
  if (!finished && !spec.suspend) {
    if (succeeded >= completions) {
      const at = nowIso();
      next.completionTime = at;
      next.conditions = [condition("SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods"), condition("Complete", true, "CompletionsReached", "Reached expected number of succeeded pods")].map(({ lastUpdateTime: _u, ...c }) => ({ ...c, lastProbeTime: at }));
      ctx.event(job, "Normal", "Completed", "Job completed", "job-controller");
    } else if (failed > backoffLimit) {
      for (const p of active) deleteObject(ctx, POD, ns, p.metadata.name!);
      active = [];
      const at = nowIso();
      next.conditions = [condition("FailureTarget", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit"), condition("Failed", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit")].map(({ lastUpdateTime: _u, ...c }) => ({ ...c, lastProbeTime: at }));
      ctx.event(job, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit", "job-controller");
    } else {
      const want = Math.min(parallelism, completions - succeeded) - active.length;
      for (let i = 0; i < want; i++) {
        const p = podFromTemplate(job, JOB, (spec.template ?? {}) as Obj, `${job.metadata.name}-${randomSuffix()}`, {
          "batch.kubernetes.io/controller-uid": uid,
          "batch.kubernetes.io/job-name": job.metadata.name!,
          "controller-uid": uid,
          "job-name": job.metadata.name!,
        });
        const created = createObject(ctx, POD, ns, p);
        active.push(created);
        ctx.event(job, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, "job-controller");
      }
    }
  }
  writeStatus(ctx, JOB, job, {
    ...next,
    active: active.length || undefined,
    ready: active.filter(isReady).length,
    succeeded: succeeded || undefined,
    failed: failed || undefined,
    terminating: 0,
  });
}
