import { promises as dns } from "node:dns";
import http from "node:http";
import https from "node:https";
import { type Socket, isIP } from "node:net";
import type { Duplex } from "node:stream";
import { type AddressPolicy, type AddressVerdict, checkAddress, describeRefusal } from "./address-guard";
import { REFUSED_CODE } from "./kube-access-error";

/** Resolves a host name to every address it has; injectable so tests control DNS. */
export type Resolver = (hostname: string) => Promise<{ address: string; family?: number }[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface DialSettings {
  /** Address rules; null for the trusted sandbox route, whose address is our own config. */
  guard: { policy: AddressPolicy; resolve: Resolver } | null;
  /** The one host and port this agent may reach: anything else is a redirect or a trick. */
  host: string;
  port: number;
  connectTimeoutMs: number;
  /** How long a pooled connection may sit unused before it is closed; default 30 s. */
  idleMs?: number;
  onDial?: (info: { host: string; address: string }) => void;
  /** Every failure below HTTP (refusal, DNS, TCP, TLS), for callers that lose the original. */
  onTransportError?: (err: Error) => void;
}

type Connect = (options: http.ClientRequestArgs) => Duplex | null | undefined;
type Callback = (err: Error | null, stream: Duplex) => void;

/**
 * Opens a connection for an agent: resolves the name once, checks every answer, and dials
 * the checked address itself (TLS still verifies the certificate against the original name
 * through `servername`), so a second DNS answer has nothing to redirect.
 */
async function dial(
  settings: DialSettings,
  options: http.ClientRequestArgs,
  secure: boolean,
  connect: Connect,
) {
  try {
    const socket = await open(settings, options, secure, connect);
    socket.once("error", (err) => settings.onTransportError?.(err));
    return socket;
  } catch (err) {
    settings.onTransportError?.(err as Error);
    throw err;
  }
}

async function open(
  settings: DialSettings,
  options: http.ClientRequestArgs,
  secure: boolean,
  connect: Connect,
) {
  const host = bare(String(options.host ?? options.hostname ?? ""));
  const port = Number(options.port || (secure ? 443 : 80));
  if (host !== settings.host || port !== settings.port) {
    throw refused("the connection was redirected to another host, which is not followed");
  }
  const address = settings.guard ? await pick(host, settings.guard, settings.connectTimeoutMs) : host;
  settings.onDial?.({ host, address });
  const servername = (options as { servername?: string }).servername || (isIP(host) ? undefined : host);
  const socket = connect({
    ...options,
    host: address,
    ...(secure && servername ? { servername } : {}),
  }) as Socket | null;
  if (!socket) throw new Error("no socket");
  return reapWhenIdle(withConnectTimeout(socket, secure, settings.connectTimeoutMs));
}

async function pick(
  host: string,
  guard: NonNullable<DialSettings["guard"]>,
  timeoutMs: number,
): Promise<string> {
  const answers = isIP(host) ? [{ address: host }] : await withTimeout(guard.resolve(host), timeoutMs);
  if (answers.length === 0) throw Object.assign(new Error("no address"), { code: "ENOTFOUND" });
  const verdicts: AddressVerdict[] = answers.map((a) => checkAddress(a.address, guard.policy));
  // One refused answer refuses the name: a name that points inside is not a user's cluster.
  const bad = verdicts.find((v) => !v.allowed);
  if (bad) throw refused(describeRefusal(bad));
  return verdicts[0]!.address;
}

function refused(safeMessage: string): Error {
  const message = safeMessage.charAt(0).toUpperCase() + safeMessage.slice(1) + ".";
  return Object.assign(new Error(message), { code: REFUSED_CODE, safeMessage: message });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "PYSTOL_TIMEOUT" })), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}

function withConnectTimeout(socket: Socket, secure: boolean, ms: number): Socket {
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error("connect timeout"), { code: "PYSTOL_TIMEOUT" }));
  }, ms);
  socket.once(secure ? "secureConnect" : "connect", () => clearTimeout(timer));
  socket.once("close", () => clearTimeout(timer));
  return socket;
}

// Pooled sockets that sit unused are closed after a while, so a client that is dropped
// without close() (a cache eviction, say) does not hold connections open for good.
const idle = new WeakSet<Duplex>();

function parkIdle(socket: Duplex, idleMs: number): void {
  idle.add(socket);
  (socket as Socket).setTimeout(idleMs);
}

function unpark(socket: Duplex): void {
  idle.delete(socket);
  (socket as Socket).setTimeout(0);
}

function reapWhenIdle(socket: Socket): Socket {
  socket.on("timeout", () => {
    if (idle.has(socket)) socket.destroy();
  });
  return socket;
}

function bare(host: string): string {
  return host.replace(/^\[|\]$/g, "").toLowerCase();
}

// Agent classes Node ships: https.Agent, and http.Agent for the plain-HTTP twin. (A mixin's
// base must be typed with a rest parameter of any[]; the options passed are Node's own.)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AgentClass = new (...args: any[]) => http.Agent;

/**
 * The guard's part of an agent, over Node's HTTPS or HTTP agent: every connection is dialled
 * through `dial` (one host and port, checked addresses), and pooled sockets that sit unused
 * are closed after `idleMs`.
 */
function guarded<Base extends AgentClass>(Agent: Base, secure: boolean) {
  return class extends Agent {
    settings!: DialSettings;

    override createConnection(options: http.ClientRequestArgs, callback?: Callback): undefined {
      const connect: Connect = (o) => super.createConnection(o);
      dial(this.settings, options, secure, connect).then(
        (s) => callback?.(null, s),
        (e: Error) => callback?.(e, undefined as unknown as Duplex),
      );
      // Returning nothing makes the agent wait for the callback.
      return undefined;
    }

    // Node reads the boolean this returns (false drops the socket); its typings say void.
    override keepSocketAlive(socket: Duplex): void {
      const keep = (super.keepSocketAlive(socket) as unknown) !== false;
      if (keep) parkIdle(socket, this.settings.idleMs ?? 30_000);
      return keep as unknown as void;
    }

    override reuseSocket(socket: Duplex, request: http.ClientRequest): void {
      unpark(socket);
      super.reuseSocket(socket, request);
    }
  };
}

const GuardedHttps = guarded(https.Agent, true);
const GuardedHttp = guarded(http.Agent, false);

/** An HTTPS agent that can only reach `settings.host:port`, through the dial guard. */
export function guardedHttpsAgent(options: https.AgentOptions, settings: DialSettings): https.Agent {
  const agent = new GuardedHttps(options);
  agent.settings = settings;
  return agent as https.Agent;
}

/** The plain-HTTP twin, only for servers the operator allowed over http. */
export function guardedHttpAgent(options: http.AgentOptions, settings: DialSettings): http.Agent {
  const agent = new GuardedHttp(options);
  agent.settings = settings;
  return agent;
}

export { bare as bareHost };
