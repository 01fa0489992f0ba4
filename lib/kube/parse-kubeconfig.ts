import { type AddressPolicy, addressPolicyFromEnv } from "./address-guard";
import { checkCluster, checkContext, checkSafety, checkUser } from "./check-entries";
import { extensions, isMapping, list, mapping, text } from "./check-values";
import { type Place, child, entryPlace, refuse, root } from "./kubeconfig-error";
import { readYaml } from "./read-yaml";
import type { ContextSummary, ParsedKubeconfig, ValidatedKubeconfig } from "./types";
import { unloggableKubeconfig } from "./unloggable";

export interface ParseOptions {
  /** The context to reduce to; defaults to `current-context`, then to the only context. */
  context?: string;
  /** Address rules for literal IPs in `server`; defaults to the environment's policy. */
  policy?: AddressPolicy;
}

const TOP_KEYS = new Set([
  "apiVersion",
  "kind",
  "clusters",
  "users",
  "contexts",
  "current-context",
  "preferences",
  "extensions",
]);

/**
 * Parses and validates an uploaded kubeconfig. Every entry in the file must pass every rule
 * (a refused `exec` user is refused even if no chosen context uses it), so a stored config
 * never depends on which context was picked. Throws `KubeconfigError`.
 */
export function parseKubeconfig(input: string | Uint8Array, options: ParseOptions = {}): ParsedKubeconfig {
  const policy = options.policy ?? addressPolicyFromEnv();
  const doc = readYaml(input);
  if (!isMapping(doc))
    refuse("not-a-mapping", root, "a kubeconfig must be a YAML mapping with clusters, users and contexts");
  // The safety rules first, so the message names the most important rule the file breaks.
  checkSafety(doc);
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key))
      refuse("unknown-field", { path: key, label: key }, "this field is not a known kubeconfig field");
  }
  if (doc.apiVersion !== undefined && doc.apiVersion !== "v1") {
    refuse("wrong-kind", { path: "apiVersion", label: "apiVersion" }, 'must be "v1"');
  }
  if (doc.kind !== undefined && doc.kind !== "Config")
    refuse("wrong-kind", { path: "kind", label: "kind" }, 'must be "Config"');
  if (doc.preferences !== undefined && doc.preferences !== null)
    mapping(doc.preferences, { path: "preferences", label: "preferences" }, "preferences");
  if (doc.extensions !== undefined) extensions(doc.extensions, { path: "extensions", label: "extensions" });

  const clusters = named(doc, "clusters", "cluster", (name, body, at) =>
    checkCluster(name, body, at, policy),
  );
  const users = named(doc, "users", "user", checkUser);
  const contexts = named(doc, "contexts", "context", (_name, body, at) => ({
    ...checkContext(body, at),
    at,
  }));

  const summaries: ContextSummary[] = [];
  for (const [name, ctx] of contexts) {
    const cluster = clusters.get(ctx.cluster);
    if (!cluster)
      refuse(
        "dangling-cluster",
        child(ctx.at, "cluster"),
        `names cluster ${JSON.stringify(ctx.cluster)}, which is not in clusters`,
      );
    const user = users.get(ctx.user);
    if (!user)
      refuse(
        "dangling-user",
        child(ctx.at, "user"),
        `names user ${JSON.stringify(ctx.user)}, which is not in users`,
      );
    const auth = user.certData ? "client-certificate" : user.username ? "basic" : "token";
    summaries.push({
      name,
      cluster: ctx.cluster,
      user: ctx.user,
      server: cluster.server,
      auth,
      ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
    });
  }

  const current = doc["current-context"];
  const currentAt: Place = { path: "current-context", label: "current-context" };
  let currentContext: string | null = null;
  if (current !== undefined && current !== null && current !== "") {
    currentContext = text(current, currentAt, "current-context", 253);
    if (!contexts.has(currentContext))
      refuse(
        "dangling-current-context",
        currentAt,
        `names context ${JSON.stringify(currentContext)}, which is not in contexts`,
      );
  }
  const chosen = options.context ?? currentContext ?? (contexts.size === 1 ? [...contexts.keys()][0]! : null);
  if (chosen !== null && !contexts.has(chosen)) {
    refuse(
      "unknown-context",
      { path: "contexts", label: "contexts" },
      `there is no context named ${JSON.stringify(chosen)}`,
    );
  }
  const config: ValidatedKubeconfig | null =
    chosen === null
      ? null
      : (() => {
          const ctx = contexts.get(chosen)!;
          return unloggableKubeconfig({
            contextName: chosen,
            ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
            cluster: clusters.get(ctx.cluster)!,
            user: { ...users.get(ctx.user)! },
          });
        })();
  return { contexts: summaries, currentContext, config };
}

/** Reads `clusters`/`users`/`contexts`: a non-empty list of {name, <inner>} with unique names. */
function named<T>(
  doc: Record<string, unknown>,
  key: "clusters" | "users" | "contexts",
  inner: "cluster" | "user" | "context",
  check: (name: string, body: Record<string, unknown>, at: Place) => T,
): Map<string, T> {
  const listAt: Place = { path: key, label: key };
  if (doc[key] === undefined || doc[key] === null)
    refuse(`missing-${key}`, listAt, `the kubeconfig has no ${key}`);
  const items = list(doc[key], listAt, key);
  if (items.length === 0) refuse(`missing-${key}`, listAt, `the kubeconfig has no ${key}`);
  if (items.length > 100) refuse("too-many-entries", listAt, `more than 100 ${key}`);
  const out = new Map<string, T>();
  items.forEach((item, i) => {
    const at = entryPlace(key, i, isMapping(item) ? item.name : undefined);
    const entry = mapping(item, at, `each entry in ${key}`);
    for (const k of Object.keys(entry)) {
      if (k !== "name" && k !== inner)
        refuse("unknown-field", child(at, k), `each entry in ${key} has only name and ${inner}`);
    }
    const name = text(entry.name, child(at, "name"), "name", 253);
    if (out.has(name))
      refuse("duplicate-name", child(at, "name"), `another entry in ${key} has the same name`);
    if (entry[inner] === undefined || entry[inner] === null)
      refuse("invalid-entry", child(at, inner), `the entry has no ${inner}`);
    out.set(name, check(name, mapping(entry[inner], child(at, inner), inner), child(at, inner)));
  });
  return out;
}
