import { createHash } from "node:crypto";
import { groups, RESOURCES, type ResourceType } from "../resources";

/** The Kubernetes version the sandbox reports. */
export const VERSION = {
  major: "1",
  minor: "30",
  gitVersion: "v1.30.0-pystol-sandbox",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.22.0",
  compiler: "gc",
  platform: "linux/amd64",
};

export function apiVersions() {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
  };
}

function groupDoc(name: string, versions: string[]) {
  const gvs = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: gvs, preferredVersion: gvs[0]! };
}

/** The API groups, those the cluster serves when `served` is given. */
export function apiGroupList(served: (group: string) => boolean = () => true) {
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups().filter((g) => served(g.name)).map((g) => groupDoc(g.name, g.versions)) };
}

export function apiGroup(name: string) {
  const g = groups().find((x) => x.name === name);
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupDoc(g.name, g.versions) } : undefined;
}

function resourceDocs(t: ResourceType) {
  const main: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames) main.shortNames = t.shortNames;
  if (t.categories) main.categories = t.categories;
  // Stored kinds carry the hash of their storage version (computed per request kinds have none).
  if (!t.virtual) main.storageVersionHash = createHash("sha256").update(`${t.group}/${t.version}/${t.kind}`).digest("base64").slice(0, 11);
  const subs = t.subresources.map((s) => ({
    name: `${t.plural}/${s.name}`,
    singularName: "",
    namespaced: t.namespaced,
    ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
    kind: s.kind || t.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

/** APIResourceList for one group/version, or undefined when it is not served. */
export function resourceList(group: string, version: string) {
  const ts = RESOURCES.filter((t) => t.group === group && t.version === version);
  if (ts.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    // Upstream's /api/v1 names no apiVersion; the groups' lists do.
    ...(group ? { apiVersion: "v1" } : {}),
    groupVersion: group ? `${group}/${version}` : version,
    resources: ts.flatMap(resourceDocs),
  };
}
