import type { ClusterContext } from "../context";
import { mapSelectorMatcher } from "../selectors";
import { ENDPOINTS, POD, SERVICE } from "../resources";
import type { KObject } from "../types";
import { isActive, isReady, specOf, type Obj } from "./util";

/** Endpoints of every selector service in a namespace, from its ready and not-ready pods. */
export function reconcileEndpoints(ctx: ClusterContext, ns: string) {
  const services = [...ctx.store.each(SERVICE, ns)];
  const pods = [...ctx.store.each(POD, ns)].filter((p) => isActive(p) && (p.status as Obj | undefined)?.podIP);
  const names = new Set<string>();
  for (const svc of services) {
    const spec = specOf(svc);
    if (!spec.selector) continue;
    names.add(svc.metadata.name!);
    const match = mapSelectorMatcher(spec.selector);
    const sel = pods.filter((p) => match(p.metadata.labels));
    const addr = (p: KObject) => ({
      ip: (p.status as Obj).podIP,
      nodeName: (p.spec as Obj).nodeName,
      targetRef: { kind: "Pod", namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
    });
    const ports = ((spec.ports ?? []) as Obj[]).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: typeof p.targetPort === "number" ? p.targetPort : p.port,
      protocol: p.protocol ?? "TCP",
    }));
    const ready = sel.filter(isReady).map(addr);
    const notReady = sel.filter((p) => !isReady(p)).map(addr);
    const subsets = ready.length || notReady.length ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] : [];
    const cur = ctx.store.get(ENDPOINTS, ns, svc.metadata.name!);
    if (cur && JSON.stringify(cur.subsets ?? []) === JSON.stringify(subsets)) continue;
    ctx.store.put(ENDPOINTS, {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        ...(cur ? cur.metadata : { name: svc.metadata.name, namespace: ns, labels: svc.metadata.labels, creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z") }),
        // The endpoints controller notes when the change that moved the endpoints happened.
        annotations: { ...cur?.metadata.annotations, "endpoints.kubernetes.io/last-change-trigger-time": new Date().toISOString().replace(/\.\d+Z$/, "Z") },
      },
      ...(subsets.length ? { subsets } : {}),
    });
  }
  for (const ep of [...ctx.store.each(ENDPOINTS, ns)]) {
    if (!names.has(ep.metadata.name!) && !ctx.store.get(SERVICE, ns, ep.metadata.name!)) ctx.store.remove(ENDPOINTS, ns, ep.metadata.name!);
  }
}
