import { createHash, randomBytes } from "node:crypto";
import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { RunRefusedError } from "./errors";
import { refuseEmptyNodeSelection, selectorRefusal } from "./explain-selection";
import type { ActionKube, Target } from "./types";

/** Pods that are alive: not finished and not already on their way out. */
export function isLive(pod: Pick<V1Pod, "metadata" | "status">): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed";
}

// The API server leaves out finished pods (a field selector every version supports for pods)
// and sends only each pod's metadata, which holds the name and the deletion mark: a fraction
// of the bytes of whole pods to send and parse, on every plan. A server that cannot send
// metadata alone sends whole pods (the second media type), which read the same here.
const NOT_FINISHED = "status.phase!=Succeeded,status.phase!=Failed";
const METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/** Live pods of a namespace matching a label selector (their metadata), in name order. */
export async function listLivePods(kube: ActionKube, namespace: string, labelSelector: string): Promise<Array<Pick<V1Pod, "metadata" | "status">>> {
  let list: { items: Array<Pick<V1Pod, "metadata" | "status">> };
  try {
    list = await kube.raw.getJson(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { labelSelector, fieldSelector: NOT_FINISHED }, METADATA_LIST);
  } catch (err) {
    throw selectorRefusal(err, labelSelector) ?? err;
  }
  return list.items.filter(isLive).sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

export const podTarget = (pod: Pick<V1Pod, "metadata">): Target => ({
  kind: "Pod",
  namespace: pod.metadata?.namespace ?? "",
  name: pod.metadata?.name ?? "",
});

/** A target as one comparable string: kind/namespace/name. */
export const targetKey = (t: Target): string => `${t.kind}/${t.namespace ?? ""}/${t.name}`;

export const nodeTarget = (node: string): Target => ({ kind: "Node", name: node });

/** How many of `total` a count or percentage means (at least one when anything matched). */
export function howMany(total: number, count?: number, percentage?: number): number {
  if (total === 0) return 0;
  if (percentage !== undefined) return Math.max(1, Math.min(total, Math.floor((total * percentage) / 100)));
  return Math.min(total, count ?? 1);
}

/** A random choice of n items (chaos should not always hit the first pod). */
export function pickRandom<T>(items: readonly T[], n: number, random: () => number = Math.random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

/**
 * A repeatable random sequence from a seed (sha256 of the seed drives an sfc32 generator):
 * the same seed over the same objects makes the same choice, which is how a run
 * hits exactly what its dry run showed.
 */
export function seededRandom(seed: string): () => number {
  const h = createHash("sha256").update(seed).digest();
  let a = h.readUInt32LE(0) | 1;
  let b = h.readUInt32LE(4) | 1;
  let c = h.readUInt32LE(8) | 1;
  let d = h.readUInt32LE(12) | 1;
  return () => {
    // Small, fast and well distributed; not for secrets.
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
}

/**
 * The plan id of a seeded plan (10 hex digits from the seed, apart from its random choices),
 * or a fresh random one for a plan without a seed (a one-off run from the API).
 */
export function planIdOf(seed?: string): string {
  if (!seed) return randomBytes(5).toString("hex");
  return createHash("sha256").update(`plan-id:${seed}`).digest("hex").slice(0, 10);
}

/** Nodes named, or matching a label selector; refuses an unknown name or an empty match. */
export async function selectNodes(kube: ActionKube, sel: { nodeName?: string; labelSelector?: string }): Promise<V1Node[]> {
  if (sel.nodeName) {
    const nodes = await kube.core.listNode({ fieldSelector: `metadata.name=${sel.nodeName}` });
    if (nodes.items.length === 0) {
      const names = (await kube.core.listNode()).items.map((n) => n.metadata?.name ?? "").sort();
      throw new RunRefusedError("not-found", `There is no node named ${sel.nodeName}. Nodes: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}.`);
    }
    return nodes.items;
  }
  let nodes;
  try {
    nodes = await kube.core.listNode({ labelSelector: sel.labelSelector });
  } catch (err) {
    throw selectorRefusal(err, sel.labelSelector ?? "", "node label selector") ?? err;
  }
  if (nodes.items.length === 0) refuseEmptyNodeSelection(sel.labelSelector ?? "", (await kube.core.listNode()).items);
  return nodes.items.sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
}

/** Node selection parameters shared by drain, cordon and the ping test. */
export function describeNodes(sel: { nodeName?: string; labelSelector?: string }): string {
  return sel.nodeName ? `node ${sel.nodeName}` : `nodes matching ${sel.labelSelector}`;
}
