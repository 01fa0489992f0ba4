import { KubeAccessError, type KubeClient } from "@/lib/kube";
import type { Verdict } from "./result";
import type { KubernetesCheck } from "./schema";
import { compare } from "./status";

// Kubernetes state checks, read as plain JSON through the guarded client (client.raw): a check
// only reads a few fields, and the generated classes would rebuild every object of a list.

const enc = encodeURIComponent;

class NotFound extends Error {}

async function get<T>(
  client: KubeClient,
  path: string,
  query: Record<string, string> = {},
  what?: string,
): Promise<T> {
  try {
    return await client.raw.getJson<T>(path, query);
  } catch (err) {
    if (what && err instanceof KubeAccessError && err.code === "not-found")
      throw new NotFound(`${what} was not found.`);
    throw err;
  }
}

interface PodList {
  items: {
    metadata: { name: string; deletionTimestamp?: string };
    status?: {
      phase?: string;
      conditions?: { type: string; status: string }[];
      containerStatuses?: { name: string; state?: { waiting?: { reason?: string } } }[];
      initContainerStatuses?: { name: string; state?: { waiting?: { reason?: string } } }[];
    };
  }[];
}

export async function evaluateKubernetes(client: KubeClient, check: KubernetesCheck): Promise<Verdict> {
  const c = check.check;
  try {
    switch (c.condition) {
      case "workload-available": {
        const plural = c.workload === "Deployment" ? "deployments" : "statefulsets";
        const w = await get<{
          spec?: { replicas?: number };
          status?: { availableReplicas?: number; readyReplicas?: number };
        }>(
          client,
          `/apis/apps/v1/namespaces/${enc(c.namespace)}/${plural}/${enc(c.name)}`,
          {},
          `${c.workload} ${c.namespace}/${c.name}`,
        );
        // StatefulSets report availableReplicas since 1.22; readyReplicas before.
        const available =
          w.status?.availableReplicas ??
          (c.workload === "StatefulSet" ? w.status?.readyReplicas : undefined) ??
          0;
        const desired = w.spec?.replicas ?? 1;
        const observed = `${c.workload} ${c.namespace}/${c.name} has ${available} available of ${desired} desired replicas; expected at least ${c.minAvailable}.`;
        return { outcome: available >= c.minAvailable ? "pass" : "fail", value: available, observed };
      }
      case "pods-ready": {
        const pods = await listPods(client, c.namespace, c.selector);
        const live = pods.items.filter(
          (p) =>
            !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed",
        );
        const ready = live.filter((p) =>
          p.status?.conditions?.some((k) => k.type === "Ready" && k.status === "True"),
        ).length;
        if (live.length === 0) {
          return {
            outcome: "fail",
            value: 0,
            observed: `No running pods match ${c.selector} in ${c.namespace}; expected at least ${c.minReadyPercent}% Ready.`,
          };
        }
        const percent = Math.round((ready / live.length) * 1000) / 10;
        const observed = `${ready} of ${live.length} pods matching ${c.selector} in ${c.namespace} are Ready (${percent}%); expected at least ${c.minReadyPercent}%.`;
        return { outcome: percent >= c.minReadyPercent ? "pass" : "fail", value: percent, observed };
      }
      case "no-crash-loop": {
        const pods = await listPods(client, c.namespace, c.selector);
        const crashing: string[] = [];
        for (const p of pods.items) {
          for (const s of [
            ...(p.status?.initContainerStatuses ?? []),
            ...(p.status?.containerStatuses ?? []),
          ]) {
            if (s.state?.waiting?.reason === "CrashLoopBackOff")
              crashing.push(`${p.metadata.name}/${s.name}`);
          }
        }
        if (crashing.length === 0) {
          return {
            outcome: "pass",
            value: 0,
            observed: `No container of the ${pods.items.length} pods matching ${c.selector} in ${c.namespace} is in CrashLoopBackOff.`,
          };
        }
        const shown =
          crashing.slice(0, 3).join(", ") + (crashing.length > 3 ? ` and ${crashing.length - 3} more` : "");
        return {
          outcome: "fail",
          value: crashing.length,
          observed: `${crashing.length} container${crashing.length === 1 ? " is" : "s are"} in CrashLoopBackOff behind ${c.selector} in ${c.namespace}: ${shown}.`,
        };
      }
      case "nodes-ready": {
        let ready = 0;
        let total = 0;
        let cont: string | undefined;
        do {
          const page = await get<{
            items: { status?: { conditions?: { type: string; status: string }[] } }[];
            metadata?: { continue?: string };
          }>(client, "/api/v1/nodes", { limit: "500", ...(cont ? { continue: cont } : {}) });
          total += page.items.length;
          ready += page.items.filter((n) =>
            n.status?.conditions?.some((k) => k.type === "Ready" && k.status === "True"),
          ).length;
          cont = page.metadata?.continue || undefined;
        } while (cont);
        const observed = `${ready} of ${total} nodes are Ready; expected at least ${c.minReady}.`;
        return { outcome: ready >= c.minReady ? "pass" : "fail", value: ready, observed };
      }
      case "object-field":
        return await objectField(client, c);
    }
  } catch (err) {
    if (err instanceof NotFound) return { outcome: "error", observed: err.message };
    throw err;
  }
}

async function listPods(client: KubeClient, namespace: string, selector: string): Promise<PodList> {
  const pods: PodList = { items: [] };
  let cont: string | undefined;
  do {
    const page = await get<PodList & { metadata?: { continue?: string } }>(
      client,
      `/api/v1/namespaces/${enc(namespace)}/pods`,
      {
        labelSelector: selector,
        limit: "500",
        ...(cont ? { continue: cont } : {}),
      },
    );
    pods.items.push(...page.items);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return pods;
}

type ObjectField = Extract<KubernetesCheck["check"], { condition: "object-field" }>;

/** Where a kind lives: its plural resource name and whether it is namespaced, from discovery. */
export async function resolveKind(
  client: KubeClient,
  apiVersion: string,
  kind: string,
): Promise<{ group: string; version: string; resource: string; namespaced: boolean }> {
  const [group, version] = apiVersion.includes("/")
    ? (apiVersion.split("/") as [string, string])
    : ["", apiVersion];
  const base = group ? `/apis/${enc(group)}/${enc(version)}` : `/api/${enc(version)}`;
  const list = await get<{ resources: { name: string; kind: string; namespaced: boolean }[] }>(
    client,
    base,
    {},
    `API ${apiVersion}`,
  );
  const r = list.resources.find((x) => x.kind === kind && !x.name.includes("/"));
  if (!r) throw new NotFound(`Kind ${kind} is not served by ${apiVersion} on this cluster.`);
  return { group, version, resource: r.name, namespaced: r.namespaced };
}

async function objectField(client: KubeClient, c: ObjectField): Promise<Verdict> {
  const kind = await resolveKind(client, c.apiVersion, c.kind);
  if (kind.namespaced && !c.namespace)
    return { outcome: "error", observed: `${c.kind} is namespaced: the check needs a namespace.` };
  const base = kind.group ? `/apis/${enc(kind.group)}/${enc(kind.version)}` : `/api/${enc(kind.version)}`;
  const where = kind.namespaced ? `/namespaces/${enc(c.namespace!)}` : "";
  const label = `${c.kind} ${kind.namespaced ? `${c.namespace}/` : ""}${c.name}`;
  const obj = await get<unknown>(client, `${base}${where}/${enc(kind.resource)}/${enc(c.name)}`, {}, label);
  const found = readField(obj, c.field);
  const expected = JSON.stringify(c.value);
  if (found === undefined) {
    return { outcome: "fail", observed: `${label} has no field ${c.field}; expected ${c.op} ${expected}.` };
  }
  const shown =
    typeof found === "object" && found !== null ? clip(JSON.stringify(found)) : JSON.stringify(found);
  const observed = `${label}: ${c.field} is ${shown}; expected ${c.op} ${expected}.`;
  const num =
    typeof found === "number"
      ? found
      : typeof found === "string" && found.trim() !== "" && Number.isFinite(Number(found))
        ? Number(found)
        : undefined;
  let ok: boolean;
  if (c.op === "contains") {
    ok = Array.isArray(found)
      ? found.some((x) => x === c.value || String(x) === String(c.value))
      : typeof found === "string"
        ? found.includes(String(c.value))
        : false;
  } else if (c.op === "==" || c.op === "!=") {
    const same =
      found === c.value ||
      (num !== undefined && typeof c.value === "number"
        ? num === c.value
        : String(found) === String(c.value));
    ok = c.op === "==" ? same : !same;
  } else {
    if (num === undefined)
      return {
        outcome: "error",
        observed: `${label}: ${c.field} is ${shown}, not a number to compare with ${c.op} ${expected}.`,
      };
    ok = compare(num, c.op, c.value as number);
  }
  return { outcome: ok ? "pass" : "fail", ...(num !== undefined ? { value: num } : {}), observed };
}

/** Reads `.a.b[0]["c.d"]` from a parsed object; undefined when any step is missing. */
export function readField(obj: unknown, path: string): unknown {
  const steps = path.replace(/^\./, "").match(/[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"\\]+"\]/g) ?? [];
  let cur: unknown = obj;
  for (const step of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    if (step.startsWith('["')) cur = (cur as Record<string, unknown>)[step.slice(2, -2)];
    else if (step.startsWith("[")) cur = Array.isArray(cur) ? cur[Number(step.slice(1, -1))] : undefined;
    else cur = Object.hasOwn(cur, step) ? (cur as Record<string, unknown>)[step] : undefined;
  }
  return cur;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
