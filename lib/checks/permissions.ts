import { type KubeClient, type PermissionCheck, permissionKey, reviewAccess } from "@/lib/kube";
import { resolveKind } from "./kubernetes";
import type { CheckDefinition } from "./schema";

/** One permission a check needs, and whether the cluster's credentials have it. */
export interface CheckPermission extends PermissionCheck {
  /** Where it is needed; null for cluster-scoped resources. */
  namespace: string | null;
  /** `"get services/proxy in shop"`, `"list nodes"`. */
  label: string;
  /** The cluster's answer (SelfSubjectAccessReview); null when it could not be asked. */
  allowed: boolean | null;
}

export interface CheckAccess {
  /** True when every permission is allowed (a check that needs none is allowed). */
  allowed: boolean;
  permissions: CheckPermission[];
  /** Why some permission could not be asked, as a sentence. */
  problem?: string;
}

/** What a check needs from the cluster, without asking it (object-field checks ask discovery for the resource). */
export async function requiredPermissions(
  client: KubeClient,
  check: CheckDefinition,
): Promise<{ check: PermissionCheck; namespace: string | null }[]> {
  if (check.type === "prometheus") return [];
  if (check.type === "http") {
    const t = check.target;
    return t.kind === "url"
      ? []
      : [{ check: { verb: "get", resource: "services", subresource: "proxy" }, namespace: t.namespace }];
  }
  const c = check.check;
  switch (c.condition) {
    case "workload-available":
      return [
        {
          check: {
            verb: "get",
            group: "apps",
            resource: c.workload === "Deployment" ? "deployments" : "statefulsets",
          },
          namespace: c.namespace,
        },
      ];
    case "pods-ready":
    case "no-crash-loop":
      return [{ check: { verb: "list", resource: "pods" }, namespace: c.namespace }];
    case "nodes-ready":
      return [{ check: { verb: "list", resource: "nodes" }, namespace: null }];
    case "object-field": {
      const kind = await resolveKind(client, c.apiVersion, c.kind);
      return [
        {
          check: { verb: "get", resource: kind.resource, ...(kind.group ? { group: kind.group } : {}) },
          namespace: kind.namespaced ? (c.namespace ?? null) : null,
        },
      ];
    }
  }
}

/**
 * Which permissions a check needs and whether these credentials allow them, asked with the
 * permission probe's SelfSubjectAccessReview (lib/kube). Never throws: a cluster that cannot be
 * asked gives `allowed: null` and a sentence.
 */
export async function checkPermissions(client: KubeClient, check: CheckDefinition): Promise<CheckAccess> {
  let needed: { check: PermissionCheck; namespace: string | null }[];
  try {
    needed = await requiredPermissions(client, check);
  } catch (err) {
    return {
      allowed: false,
      permissions: [],
      problem: `The permissions could not be worked out: ${(err as Error).message}`,
    };
  }
  let problem: string | undefined;
  const permissions = await Promise.all(
    needed.map(async ({ check: p, namespace }) => {
      let allowed: boolean | null;
      try {
        allowed = await reviewAccess(client, p, namespace);
      } catch (err) {
        allowed = null;
        problem ??= `The cluster could not be asked: ${(err as Error).message}`;
      }
      const group = p.group ? `.${p.group}` : "";
      const base = permissionKey(p).replace(/^(\S+ )([^/]+)/, `$1$2${group}`);
      return { ...p, namespace, label: namespace ? `${base} in ${namespace}` : base, allowed };
    }),
  );
  return {
    allowed: permissions.every((p) => p.allowed === true),
    permissions,
    ...(problem ? { problem } : {}),
  };
}
