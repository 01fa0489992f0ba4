import type { ClusterContext } from "../context";
import { createObject } from "../objects";
import { findResource } from "../resources";
import { isObject, type KObject } from "../types";
import type { Obj } from "./util";

// A StatefulSet's volumeClaimTemplates, as upstream's controller handles them
// (pkg/controller/statefulset/stateful_pod_control.go): before pod <set>-<i> is created, each
// template gets its claim <template>-<set>-<i> (labelled with the set's selector, and kept when
// the pod or the set goes: the default retention policy is Retain), and the pod mounts it in
// place of any volume of the same name. Claims stay Pending: nothing provisions volumes here.

const PVC = findResource("", "v1", "persistentvolumeclaims")!;

/** The claim templates of a StatefulSet's spec (entries that are not objects are skipped). */
function templates(spec: Obj): Obj[] {
  return Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates.filter(isObject) : [];
}

const templateName = (t: Obj) => String((t.metadata as { name?: unknown } | undefined)?.name ?? "");

/** Creates the pod's missing claims and points the pod's volumes at them. */
export function claimVolumes(ctx: ClusterContext, sts: KObject, spec: Obj, pod: KObject) {
  const ns = sts.metadata.namespace!;
  const setName = sts.metadata.name!;
  const podSpec = pod.spec as Obj;
  const matchLabels = ((spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}) as Record<string, string>;
  for (const t of templates(spec)) {
    const name = templateName(t);
    if (!name) continue;
    // <template>-<set>-<ordinal>: the pod's own name is <set>-<ordinal>.
    const claimName = `${name}-${pod.metadata.name}`;
    if (!ctx.store.get(PVC, ns, claimName)) {
      const tm = (t.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
      createObject(ctx, PVC, ns, {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: claimName, namespace: ns, labels: { ...(tm.labels ?? {}), ...matchLabels }, ...(tm.annotations ? { annotations: { ...tm.annotations } } : {}) },
        spec: structuredClone(t.spec ?? {}),
      });
      ctx.event(sts, "Normal", "SuccessfulCreate", `create Claim ${claimName} Pod ${pod.metadata.name} in StatefulSet ${setName} success`, "statefulset-controller");
    }
    const volumes = (Array.isArray(podSpec.volumes) ? podSpec.volumes : []).filter((v) => !(isObject(v) && v.name === name));
    volumes.push({ name, persistentVolumeClaim: { claimName } });
    podSpec.volumes = volumes;
  }
}
