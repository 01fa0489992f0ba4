import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxAdminClient } from "../admin-client";
import { DEPLOYMENT, ENDPOINTS, NAMESPACE, NODE, PDB, POD, REPLICASET } from "../resources";
import { startSandboxServer, type SandboxServer } from "../server";
import type { VirtualCluster } from "../cluster";
import type { KObject } from "../types";
import { compare, loadSteps, send, Substitutions, type Answer, type Step } from "./differential";
import { KNOWN_DIFFERENCES, KNOWN_FIELD_DIFFERENCES } from "./known-differences";

// The differential test: every request the reference's kube-apiserver answered, replayed in its
// order against a fresh sandbox cluster, must be answered alike, or be listed in
// known-differences.ts with the reason. A listed step that no longer differs fails too, so the
// list only shrinks.

const NS = "dp-r2";
/** The reference's ServiceAccount steps (a token from step 173) and the anonymous and bad-token ones. */
const AS_SERVICE_ACCOUNT = /^17[4-9]-/;

let server: SandboxServer;
let vc: VirtualCluster;
let base: string;
let adminToken: string;
const subs = new Substitutions();
const results = new Map<string, string[]>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const POD_STOP_MS = 12_000;

async function until(what: string, fn: () => boolean, ms = POD_STOP_MS + 45_000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`waited for ${what}`);
    await sleep(20);
  }
}

const deploymentsSettled = () =>
  [...vc.store.each(DEPLOYMENT, NS)].every((d) => {
    if (d.metadata.deletionTimestamp) return true;
    const want = (d.spec as { replicas?: number }).replicas ?? 1;
    const st = (d.status ?? {}) as { updatedReplicas?: number; availableReplicas?: number; replicas?: number };
    return (st.updatedReplicas ?? 0) === want && (st.availableReplicas ?? 0) === want && (st.replicas ?? 0) === want;
  });

/** The deployment controller has seen the latest spec (its revision annotation and conditions are there). */
const rolledOut = (name: string) => {
  const d = vc.store.get(DEPLOYMENT, NS, name);
  const st = (d?.status ?? {}) as { observedGeneration?: number; conditions?: unknown[] };
  return Boolean(d?.metadata.annotations?.["deployment.kubernetes.io/revision"] && st.conditions?.length && st.observedGeneration === d.metadata.generation);
};

/** What the reference's recording waited for before a step (its controllers ran in real time). */
const BEFORE: Record<string, () => Promise<void>> = {
  // The sandbox's controllers are faster than the reference's: its answers are compared once they
  // have acted (known-differences.ts lists where the reference's had not yet).
  "21-smp": () => until("a rollout noted", () => rolledOut("web")),
  "21-smp-delete-directive": () => until("a rollout noted", () => rolledOut("web")),
  "22-merge": () => until("a rollout noted", () => rolledOut("web")),
  "22-merge-list-replace": () => until("a rollout noted", () => rolledOut("web")),
  "23-jsonpatch": () => until("a rollout noted", () => rolledOut("web")),
  "70-pods-list": () => until("deployments settled", deploymentsSettled),
  "169-pod-delete-graceful": () => until("pod running", () => (vc.store.get(POD, NS, "plain")?.status as { phase?: string } | undefined)?.phase === "Running"),
  "111-delete-orphan": () => until("deployments settled", deploymentsSettled),
  "131-evict-no-pdb": () => until("deployments settled", deploymentsSettled),
  "132-pdb-get": () => until("pdb status", () => Boolean((vc.store.get(PDB, NS, "ev")?.status as { observedGeneration?: number } | undefined)?.observedGeneration)),
  "133-evict-pdb-blocked": async () => {
    await until("deployments settled", deploymentsSettled);
    await until("pdb at its budget", () => (vc.store.get(PDB, NS, "ev")?.status as { currentHealthy?: number } | undefined)?.currentHealthy === 2);
  },
  "150-scale-get": () => until("deployments settled", deploymentsSettled),
  "157-status-patch-spec": () => until("deployments settled", deploymentsSettled),
  // The endpoints controller writes a Service's Endpoints on its next pass after the Service.
  "164-endpoints": () => until("endpoints", () => deploymentsSettled() && Boolean(vc.store.get(ENDPOINTS, NS, "svc")?.subsets)),
  "166-deploy-get": () => until("deployments settled", deploymentsSettled),
  "192-ns-get-terminating": () => until("namespace conditions", () => Boolean((vc.store.get(NAMESPACE, "", `${NS}-term`)?.status as { conditions?: unknown[] } | undefined)?.conditions)),
  "185-impersonate-group": () => until("terminating pods gone", () => [...vc.store.each(POD, NS)].every((p) => !p.metadata.deletionTimestamp)),
  "195-ns-get-later": () => until("namespace emptied", () => vc.store.count(DEPLOYMENT, `${NS}-term`) === 0 && vc.store.count(POD, `${NS}-term`) === 0),
  "197-ns-get-gone": () => until("namespace gone", () => !vc.store.get(NAMESPACE, "", `${NS}-term`)),
};

/** Steps that ran beside the next ones: their streams end on their own timeout. */
const CONCURRENT = new Set(["60-watch-rv-bookmarks", "60-watch-rv-nobookmarks", "61-watch-rv0", "62-watch-no-rv", "63-watch-too-old-cluster", "63-watch-too-old", "64-watch-rv-invalid", "65-watch-rv-future", "66-watch-single-fieldsel"]);

/**
 * Names the reference's controllers generated (its pods and ReplicaSets, its nodes) and that
 * later requests name: each is given the sandbox's counterpart, one not given before.
 */
function resolveGenerated(p: string): string {
  return p.replace(/(?<=\/)([a-z0-9-]+)(?=$|[/?])/g, (seg) => {
    if (subs.map.has(seg)) return subs.map.get(seg)!;
    const node = /^node-([a-c])$/.exec(seg);
    if (node) {
      const names = [...vc.store.each(NODE)].map((n) => n.metadata.name!).sort();
      const to = names["abc".indexOf(node[1]!)]!;
      subs.add(seg, to);
      return to;
    }
    const m = /^([a-z0-9-]+?)-([a-z0-9]{9,10})(?:-([a-z0-9]{5}))?$/.exec(seg);
    const dep = m && vc.store.get(DEPLOYMENT, NS, m[1]!);
    if (!m || !dep) return seg;
    const revision = (o: KObject) => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
    const rs = [...vc.store.each(REPLICASET, NS)].filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid)).sort((a, b) => revision(b) - revision(a))[0];
    if (!rs) return seg;
    if (!m[3]) {
      // A ReplicaSet named alone is an old one of the deployment's (the reference scaled it to 0).
      const old = [...vc.store.each(REPLICASET, NS)].filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === dep.metadata.uid)).sort((a, b) => revision(a) - revision(b))[0]!;
      subs.add(seg, old.metadata.name);
      return old.metadata.name!;
    }
    const taken = new Set(subs.map.values());
    const pod = [...vc.store.each(POD, NS)]
      .filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid) && !p.metadata.deletionTimestamp && !taken.has(p.metadata.name!))
      .map((p) => p.metadata.name!)
      .sort()[0];
    if (!pod) return seg;
    subs.add(seg, pod);
    return pod;
  });
}

function headersFor(step: Step): Record<string, string> {
  const h: Record<string, string> = { ...step.headers };
  if (step.name.startsWith("183-")) return h;
  if (step.name.startsWith("184-")) return { ...h, authorization: "Bearer not-a-token-of-this-cluster" };
  const sa = AS_SERVICE_ACCOUNT.test(step.name) ? subs.map.get(saTokenRef) : undefined;
  return { ...h, authorization: `Bearer ${sa ?? adminToken}` };
}

let saTokenRef = "";

async function run(step: Step): Promise<Answer> {
  await BEFORE[step.name]?.();
  const req = { method: step.method, path: resolveGenerated(subs.apply(step.path)), body: step.body === undefined ? undefined : subs.apply(step.body) };
  return send(base, server.caPem, req, headersFor(step));
}

/** Field differences found in every step alike, listed once (KNOWN_FIELD_DIFFERENCES); which were seen. */
const fieldsSeen = new Set<string>();
function withoutKnownFields(diffs: string[]): string[] {
  return diffs.filter((d) => {
    const field = Object.keys(KNOWN_FIELD_DIFFERENCES).find((f) => d.startsWith(`${f}:`) || d.includes(`.${f}:`) || d.includes(`].${f}:`));
    if (field) fieldsSeen.add(field);
    return !field;
  });
}

function record(step: Step, got: Answer) {
  const parse = (s: string) => {
    try {
      return JSON.parse(s) as never;
    } catch {
      return undefined;
    }
  };
  const ref = parse(step.refBody);
  if (step.name === "173-token-request") saTokenRef = (ref as { status?: { token?: string } } | undefined)?.status?.token ?? "";
  subs.learn(ref, parse(got.body));
  results.set(step.name, withoutKnownFields(compare(step, got)));
}

beforeAll(async () => {
  // Pods start at once and take a while to stop, as a real kubelet's grace period does. The
  // reference read terminating pods and a deployment held by them right after deleting them
  // (112, 131, 169): the stop must outlast any stall of a busy machine between two requests.
  server = await startSandboxServer({ port: 0, adminPort: 0, dataDir: null, clusterDefaults: { podStartDelayMs: 50, podStopDelayMs: POD_STOP_MS, jobRunMs: 200 } });
  const admin = new SandboxAdminClient(server.adminUrl, server.adminToken);
  const c = await admin.createCluster({ seed: { nodes: 3, pods: 0 }, limits: { requestsPerSecond: 10_000, requestBurst: 10_000 } });
  vc = server.manager.get(c.id)!;
  base = c.server;
  adminToken = c.token;
  const steps = loadSteps();
  const pending: Promise<void>[] = [];
  for (const step of steps) {
    if (CONCURRENT.has(step.name)) {
      pending.push(run(step).then((got) => record(step, got)));
      // A watch is open before the writes it must see.
      await sleep(100);
      continue;
    }
    // The writes that the watches of step 60 see ran while they were open; the rest after them.
    if (!step.name.startsWith("60-w-") && pending.length) {
      await Promise.all(pending.splice(0));
    }
    record(step, await run(step));
  }
  await Promise.all(pending);
  // DIFFERENTIAL_REPORT=<file>: every step's differences, for working through them.
  if (process.env.DIFFERENTIAL_REPORT) writeFileSync(process.env.DIFFERENTIAL_REPORT, JSON.stringify(Object.fromEntries(results), null, 1));
}, 300_000);

afterAll(async () => {
  await server?.close();
});

describe("the sandbox answers the reference's requests as kube-apiserver v1.26 did", () => {
  it("replays every step of the reference", () => {
    expect(results.size).toBe(loadSteps().length);
  });

  it("differs only where known-differences.ts says why, and everywhere it says so", () => {
    const unlisted: string[] = [];
    const stale: string[] = [];
    for (const [name, diffs] of results) {
      const known = KNOWN_DIFFERENCES[name];
      if (diffs.length && !known) unlisted.push(`${name}:\n    ${diffs.join("\n    ")}`);
      if (!diffs.length && known) stale.push(`${name} (listed: ${known})`);
    }
    for (const name of Object.keys(KNOWN_DIFFERENCES)) if (!results.has(name)) stale.push(`${name} (no such step)`);
    for (const field of Object.keys(KNOWN_FIELD_DIFFERENCES)) if (!fieldsSeen.has(field)) stale.push(`field ${field} (listed: ${KNOWN_FIELD_DIFFERENCES[field]})`);
    expect(unlisted, "differences not in known-differences.ts").toEqual([]);
    expect(stale, "listed in known-differences.ts but answered as the reference did: remove them").toEqual([]);
  });
});
