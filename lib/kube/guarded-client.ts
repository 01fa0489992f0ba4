import {
  ApiException,
  AppsV1Api,
  AuthorizationV1Api,
  BatchV1Api,
  type Configuration,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  Log,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  ServerConfiguration,
  VersionApi,
  Watch,
  createConfiguration,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import { type AddressPolicy, addressPolicyFromEnv } from "./address-guard";
import { type DialSettings, type Resolver, bareHost, systemResolver } from "./guarded-agent";
import { type KubeCallEvent, guardedHttpLibrary } from "./http-library";
import { KubeAccessError, toKubeAccessError } from "./kube-access-error";
import { recordKubeCall } from "./kube-metrics";
import { createAgent, entries, kubeConfigFor, secretsOf, timeoutFromEnv } from "./kube-transport";
import { GuardedMetrics } from "./metrics-api";
import { GuardedRaw } from "./raw-api";
import type { KubeTarget } from "./types";
import { GuardedWatch, guardMethods, once } from "./wrap-api";

export type { KubeTarget } from "./types";

export interface KubeClientOptions {
  /** DNS for user clusters; defaults to the system resolver (all answers). */
  resolve?: Resolver;
  /** Address rules; defaults to `PYSTOL_KUBE_ALLOWED_CIDRS` / `PYSTOL_KUBE_ALLOW_HTTP`. */
  policy?: AddressPolicy;
  /** Connect and whole-request deadline; defaults to `PYSTOL_KUBE_TIMEOUT_MS` or 10000. */
  timeoutMs?: number;
  /** Called once per API request; defaults to the Prometheus metrics. */
  observe?: (e: KubeCallEvent) => void;
  /** Called with the address each new connection dials (after the checks). */
  onDial?: (info: { host: string; address: string }) => void;
  /** How long a pooled connection may sit unused before it is closed; default 30 s. */
  idleMs?: number;
}

interface Transport {
  agent: ReturnType<typeof createAgent>;
  /** Set for the sandbox's one agent, which no client may close for the others. */
  shared: boolean;
  lastError?: { err: Error; at: number };
}

const sandboxTransports = new Map<string, Transport>();
const SANDBOX_MAX_SOCKETS = 64;

type ApiClass<T> = new (config: Configuration) => T;

export interface KubeClient {
  readonly kind: KubeTarget["kind"];
  /** The context's namespace, when it names one. */
  readonly namespace: string | undefined;
  /** Any generated API class, bound to the guarded transport; errors become `KubeAccessError`. */
  makeApiClient<T extends object>(api: ApiClass<T>): T;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly policy: PolicyV1Api;
  readonly authz: AuthorizationV1Api;
  /** Leases (fault runners read theirs; the worker renews them). */
  readonly coordination: CoordinationV1Api;
  /** Roles and bindings (the one-Lease access of a fault runner). */
  readonly rbac: RbacAuthorizationV1Api;
  readonly version: VersionApi;
  readonly watch: GuardedWatch;
  readonly log: Log;
  readonly metrics: GuardedMetrics;
  /** Plain-JSON reads for large lists (no per-field object rebuilding). */
  readonly raw: GuardedRaw;
  /** Closes pooled connections; call when the client is no longer used. */
  close(): void;
}

/** The one way to reach a cluster. Builds nothing from raw kubeconfig text, reads no file. */
export function createKubeClient(target: KubeTarget, options: KubeClientOptions = {}): KubeClient {
  const timeoutMs = options.timeoutMs ?? timeoutFromEnv();
  const { cluster, user, namespace } = entries(target);
  const url = new URL(cluster.server);
  const secure = url.protocol === "https:";
  const trusted = target.kind === "sandbox";
  const policy = trusted ? null : (options.policy ?? addressPolicyFromEnv());
  if (!secure && (url.protocol !== "http:" || !policy?.allowHttp)) {
    throw new KubeAccessError("address-refused", "Only https:// API servers are allowed.");
  }
  if (url.username || url.password || url.search || url.hash) {
    // The parser refuses these; a config built by hand must not smuggle credentials in a URL.
    throw new KubeAccessError("address-refused", "The API server URL must be https://host[:port][/path].");
  }
  const makeTransport = (maxSockets?: number): Transport => {
    const transport: Transport = { agent: undefined as unknown as Transport["agent"], shared: false };
    const settings: DialSettings = {
      guard: policy ? { policy, resolve: options.resolve ?? systemResolver } : null,
      host: bareHost(url.hostname),
      port: Number(url.port || (secure ? 443 : 80)),
      connectTimeoutMs: timeoutMs,
      ...(options.idleMs ? { idleMs: options.idleMs } : {}),
      ...(options.onDial ? { onDial: options.onDial } : {}),
      onTransportError: (err) => (transport.lastError = { err, at: Date.now() }),
    };
    transport.agent = createAgent(cluster, user, settings, secure, maxSockets);
    return transport;
  };
  // Every sandbox cluster lives behind the one sandbox server (the cluster is named in the
  // path, the bearer token travels with each request), so all their clients share one agent:
  // a new trial's cluster reuses open connections instead of paying TLS handshakes.
  let transport: Transport;
  if (trusted && !options.idleMs && !options.onDial) {
    // The origin, not the server URL: each virtual cluster has its own path on the one server.
    const key = `${url.origin}\n${timeoutMs}\n${cluster.caData ?? ""}`;
    // 64 connections keep the one-threaded sandbox busy; more would only add handshakes.
    transport = sandboxTransports.get(key) ?? makeTransport(SANDBOX_MAX_SOCKETS);
    transport.shared = true;
    sandboxTransports.set(key, transport);
  } else {
    transport = makeTransport();
  }
  const { agent } = transport;

  const kc = kubeConfigFor(cluster, user, agent, timeoutMs);
  const secrets = secretsOf(user);
  // Watch and Log fetch on their own and lose the transport's error on the way (node-fetch
  // keeps only its code; Log folds it into a bare 500). The error seen moments before is
  // the real cause.
  const mapError = (err: unknown) => {
    const e = err as { name?: unknown; type?: unknown; headers?: object };
    const folded =
      err instanceof ApiException && err.code === 500 && Object.keys(err.headers ?? {}).length === 0;
    const fetched = e?.name === "FetchError" && e.type === "system";
    const last = transport.lastError;
    const recent = last && Date.now() - last.at < 5000 ? last.err : undefined;
    return toKubeAccessError((folded || fetched) && recent ? recent : err, { trusted, secrets });
  };
  const httpApi = wrapHttpLibrary(
    guardedHttpLibrary({
      agent,
      timeoutMs,
      maxResponseBytes: 512 * 1024 * 1024,
      target: target.kind,
      observe: options.observe ?? recordKubeCall,
    }),
  );
  const configuration = () =>
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      httpApi,
    });
  const makeApiClient = <T extends object>(Api: ApiClass<T>): T => guardMethods(new Api(configuration()), mapError);

  const core = once(() => makeApiClient(CoreV1Api));
  const apps = once(() => makeApiClient(AppsV1Api));
  const batch = once(() => makeApiClient(BatchV1Api));
  const policyApi = once(() => makeApiClient(PolicyV1Api));
  const authz = once(() => makeApiClient(AuthorizationV1Api));
  const coordination = once(() => makeApiClient(CoordinationV1Api));
  const rbac = once(() => makeApiClient(RbacAuthorizationV1Api));
  const version = once(() => makeApiClient(VersionApi));
  const watch = once(() => new GuardedWatch(new Watch(kc), mapError));
  const log = once(() => guardMethods(new Log(kc), mapError));
  const metrics = once(() => new GuardedMetrics(makeApiClient(CustomObjectsApi)));
  const raw = once(() => new GuardedRaw(configuration(), mapError));
  return {
    kind: target.kind,
    namespace,
    makeApiClient,
    // A shared agent outlives any one client; its idle connections close on their own.
    close: () => {
      if (!transport.shared) agent.destroy();
    },
    get core() {
      return core();
    },
    get apps() {
      return apps();
    },
    get batch() {
      return batch();
    },
    get policy() {
      return policyApi();
    },
    get authz() {
      return authz();
    },
    get coordination() {
      return coordination();
    },
    get rbac() {
      return rbac();
    },
    get version() {
      return version();
    },
    get watch() {
      return watch();
    },
    get log() {
      return log();
    },
    get metrics() {
      return metrics();
    },
    get raw() {
      return raw();
    },
  };
}
