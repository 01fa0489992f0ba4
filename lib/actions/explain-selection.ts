import type { V1Pod } from "@kubernetes/client-node";
import { RunRefusedError } from "./errors";
import { describeKubeError, statusOf } from "./kube-errors";
import type { ActionKube } from "./types";

// When a plan's selection comes back empty or is refused, the person gets told what is wrong
// with what they typed (no such namespace, labels that exist there, a malformed selector)
// rather than "nothing matched" or "the cluster could not be read".

const MAX_SHOWN = 12;

/** Edit distance of two short strings (for "did you mean"). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The candidates closest to what was typed first; a close one (a typo) is named as a guess. */
function suggest(typed: readonly string[], candidates: readonly string[]): { list: string[]; guess?: string } {
  const score = (c: string) => Math.min(...typed.map((t) => distance(t, c)));
  const list = [...candidates].sort((a, b) => score(a) - score(b) || a.localeCompare(b));
  const best = list[0];
  const guess = best !== undefined && score(best) <= Math.max(2, Math.floor(best.length / 4)) ? best : undefined;
  return { list: list.slice(0, MAX_SHOWN), guess };
}

const more = (shown: number, total: number) => (total > shown ? `, and ${total - shown} more` : "");

/** A 400 from the API server for a list with a selector means the selector is malformed. */
export function selectorRefusal(err: unknown, selector: string, what = "label selector"): RunRefusedError | null {
  if (statusOf(err) !== 400) return null;
  const why = describeKubeError(err).replace(/^.*\(400\)[:.]?\s*/, "").replace(/^Kubernetes API 400:\s*/, "");
  return new RunRefusedError("invalid-params", `The ${what} "${selector}" is not valid${why ? `: ${why}` : ""}. Write it as key=value, key!=value or key in (a,b), separated by commas.`);
}

/** Refuses with the reason a namespace has no pod for a selector: no such namespace, or the labels that do exist there. */
export async function refuseEmptyPodSelection(kube: ActionKube, namespace: string, selector: string): Promise<never> {
  const namespaces = (await kube.raw.getJson<{ items: Array<{ metadata?: { name?: string } }> }>("/api/v1/namespaces")).items.map((n) => n.metadata?.name ?? "");
  if (!namespaces.includes(namespace)) {
    const { list, guess } = suggest([namespace], namespaces);
    throw new RunRefusedError(
      "not-found",
      `There is no namespace "${namespace}" in this cluster.${guess ? ` Did you mean ${guess}?` : ""} Namespaces: ${list.join(", ")}${more(list.length, namespaces.length)}.`,
    );
  }
  const pods = await kube.raw.getJson<{ items: Array<Pick<V1Pod, "metadata">> }>(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
    {},
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
  );
  const labels = [...new Set(pods.items.flatMap((p) => Object.entries(p.metadata?.labels ?? {}).filter(([k]) => k !== "pod-template-hash" && k !== "controller-revision-hash").map(([k, v]) => `${k}=${v}`)))];
  if (labels.length === 0) {
    throw new RunRefusedError("empty-selection", `No pod in ${namespace} matches "${selector}": the namespace has no labelled pod.`);
  }
  const terms = selector.split(",").map((t) => t.trim());
  const { list, guess } = suggest(terms, labels);
  throw new RunRefusedError(
    "empty-selection",
    `No running pod in ${namespace} matches "${selector}".${guess ? ` Did you mean ${guess}?` : ""} Labels on the pods there: ${list.join(", ")}${more(list.length, labels.length)}.`,
    { labels: list },
  );
}

/** Refuses an empty node selection, naming the node labels that exist. */
export function refuseEmptyNodeSelection(selector: string, nodes: ReadonlyArray<{ metadata?: { labels?: Record<string, string> } }>): never {
  const labels = [...new Set(nodes.flatMap((n) => Object.entries(n.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`)))];
  const { list, guess } = suggest(selector.split(",").map((t) => t.trim()), labels);
  throw new RunRefusedError(
    "empty-selection",
    `No node matches the label selector "${selector}".${guess ? ` Did you mean ${guess}?` : ""}${list.length ? ` Node labels: ${list.join(", ")}${more(list.length, labels.length)}.` : ""}`,
    { labels: list },
  );
}
