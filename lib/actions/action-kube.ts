import type { AppsV1Api, AuthorizationV1Api, BatchV1Api, CoordinationV1Api, CoreV1Api, PolicyV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import type { GuardedRaw } from "@/lib/kube";

/** The API groups an action may call, all built by the one guarded client factory. */
export interface ActionKube {
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  policy: PolicyV1Api;
  authz: AuthorizationV1Api;
  coordination: CoordinationV1Api;
  rbac: RbacAuthorizationV1Api;
  /** Plain-JSON reads for lists that plans scan (cheaper than the generated APIs). */
  raw: GuardedRaw;
}
