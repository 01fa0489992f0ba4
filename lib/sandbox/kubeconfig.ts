import { stringify } from "yaml";

/** A kubeconfig for one virtual cluster: inline CA data and a bearer token, nothing on disk. */
export function buildKubeconfig(name: string, server: string, caPem: string, token: string): string {
  const ctx = `sandbox-${name}`;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: ctx, cluster: { server, "certificate-authority-data": Buffer.from(caPem).toString("base64") } }],
    users: [{ name: ctx, user: { token } }],
    contexts: [{ name: ctx, context: { cluster: ctx, user: ctx, namespace: "default" } }],
    "current-context": ctx,
    preferences: {},
  });
}
