import { KubeConfig } from "@kubernetes/client-node";
import type http from "node:http";
import tls from "node:tls";
import { type DialSettings, guardedHttpAgent, guardedHttpsAgent } from "./guarded-agent";
import type { KubeTarget, ValidatedKubeconfig } from "./types";

type Cluster = ValidatedKubeconfig["cluster"];
type User = ValidatedKubeconfig["user"];

/** The agent every request of one client uses: pooled, TLS-verified, dialling through the guard. */
export function createAgent(
  cluster: Cluster,
  user: User,
  settings: DialSettings,
  secure: boolean,
  maxSockets = 16,
): http.Agent {
  if (!secure) return guardedHttpAgent({ keepAlive: true, maxSockets }, settings);
  // Built once here: given only ca/cert/key, every new connection would parse them into a
  // fresh secure context (a few milliseconds of CPU per handshake).
  const secureContext = tls.createSecureContext({
    minVersion: "TLSv1.2",
    ...(cluster.caData ? { ca: Buffer.from(cluster.caData, "base64") } : {}),
    ...(user.certData && user.keyData
      ? { cert: Buffer.from(user.certData, "base64"), key: Buffer.from(user.keyData, "base64") }
      : {}),
  });
  return guardedHttpsAgent(
    {
      keepAlive: true,
      maxSockets,
      rejectUnauthorized: true,
      secureContext,
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
    },
    settings,
  );
}

/** Credential strings, in every form they travel in, that must never appear in a message. */
export function secretsOf(user: User): string[] {
  const basic = user.username && user.password ? `${user.username}:${user.password}` : undefined;
  return [
    user.token,
    user.password,
    user.keyData,
    basic,
    basic && Buffer.from(basic).toString("base64"),
  ].filter((s): s is string => typeof s === "string" && s.length > 0);
}

export function timeoutFromEnv(): number {
  const n = Number(process.env.PYSTOL_KUBE_TIMEOUT_MS ?? "");
  return Number.isFinite(n) && n > 0 ? n : 10_000;
}

export function entries(target: KubeTarget): {
  cluster: ValidatedKubeconfig["cluster"];
  user: ValidatedKubeconfig["user"];
  namespace?: string;
} {
  if (target.kind === "kubeconfig") return { ...target.config, namespace: target.config.namespace };
  return {
    cluster: {
      name: "sandbox",
      server: target.server.replace(/\/+$/, ""),
      caData: Buffer.from(target.caPem).toString("base64"),
    },
    user: { name: "sandbox", token: target.token },
    namespace: target.namespace,
  };
}

/**
 * A KubeConfig from already-validated entries only, with the library's credential plugins
 * removed and its agent factory replaced by ours, so Watch, Log, Metrics, exec and every API
 * class travel the same guarded path.
 */
export function kubeConfigFor(
  cluster: ValidatedKubeconfig["cluster"],
  user: ValidatedKubeconfig["user"],
  agent: http.Agent,
  timeoutMs: number,
): KubeConfig {
  const kc = new KubeConfig();
  const internals = kc as unknown as {
    authenticators: unknown[];
    custom_authenticators: unknown[];
    createAgent: () => http.Agent;
  };
  internals.authenticators = [];
  internals.custom_authenticators = [];
  internals.createAgent = () => agent;
  kc.loadFromOptions({
    clusters: [
      {
        name: "c",
        server: cluster.server,
        skipTLSVerify: false,
        caData: cluster.caData,
        tlsServerName: cluster.tlsServerName,
      },
    ],
    users: [
      {
        name: "u",
        token: user.token,
        certData: user.certData,
        keyData: user.keyData,
        username: user.username,
        password: user.password,
      },
    ],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  const applyToFetchOptions = kc.applyToFetchOptions.bind(kc);
  kc.applyToFetchOptions = async (opts) => ({
    ...(await applyToFetchOptions(opts)),
    agent,
    redirect: "error",
    timeout: timeoutMs,
  });
  return kc;
}
