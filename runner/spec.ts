// The fault runner's input: one fault, validated before anything touches the namespace. The
// runner is a separate program (its own image), so this schema is its whole contract with the
// worker that starts it; the worker builds the same object and the runner refuses anything else.
import { z } from "zod";

const millis = z.number().int().min(0).max(60_000);

/** An IPv4 or IPv6 network in CIDR form, or a single address (taken as /32 or /128). */
const cidr = z
  .string()
  .regex(
    /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+:[0-9a-fA-F:.]*(\/\d{1,3})?)$/,
    "Enter an address or a network such as 10.0.0.0/8.",
  );

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/,
    "Enter a host name such as cart.shop.svc.",
  );

/** Which packets a network fault touches: those the target sends, receives, or both. */
export const direction = z.enum(["in", "out", "both"]);

const interfaces = z
  .array(z.string().regex(/^[A-Za-z0-9_.@-]{1,15}$/))
  .min(1)
  .max(8)
  .optional();

export const latencyFault = z.object({
  kind: z.literal("network-latency"),
  latencyMs: z.number().int().min(1).max(60_000),
  jitterMs: millis.default(0),
  /** Default: every interface of the namespace but the loopback. */
  interfaces,
});

export const lossFault = z.object({
  kind: z.literal("network-loss"),
  percent: z.number().int().min(1).max(100),
  direction: direction.default("out"),
});

export const partitionFault = z
  .object({
    kind: z.literal("network-partition"),
    cidrs: z.array(cidr).max(256).default([]),
    /** Resolved once, when the fault starts; the addresses found are in the plan. */
    hosts: z.array(hostName).max(64).default([]),
    direction: direction.default("both"),
  })
  .refine((f) => f.cidrs.length + f.hosts.length > 0, {
    message: "Name at least one destination (a network or a host name).",
    path: ["cidrs"],
  });

/** A name pattern: a DNS name whose labels may be `*` (one or more labels), e.g. `*.shop.svc`. */
const namePattern = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(\*|[A-Za-z0-9_-]+)(\.(\*|[A-Za-z0-9_-]+))*\.?$/,
    "Enter a name such as cart.shop.svc or *.shop.svc.",
  );

export const dnsFault = z
  .object({
    kind: z.literal("dns"),
    patterns: z.array(namePattern).min(1).max(64),
    answer: z.enum(["nxdomain", "servfail", "slow"]),
    /** For `slow`: how long before the real answer is passed on. */
    delayMs: millis.default(0),
    /** The resolver that non-matching (and slow) lookups go to; default: the first nameserver of /etc/resolv.conf. */
    upstream: z
      .string()
      .regex(/^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/)
      .optional(),
  })
  .refine((f) => f.answer !== "slow" || f.delayMs > 0, {
    message: "Give the delay for slow answers.",
    path: ["delayMs"],
  });

export const httpFault = z
  .object({
    kind: z.literal("http"),
    /** The port the target serves on; requests arriving there pass through the runner's proxy. */
    port: z.number().int().min(1).max(65_535),
    pathPrefix: z.string().startsWith("/").max(512).optional(),
    percent: z.number().int().min(1).max(100),
    delayMs: millis.default(0),
    /** Answer this status instead of passing the request on. */
    status: z.number().int().min(400).max(599).optional(),
  })
  .refine((f) => f.delayMs > 0 || f.status !== undefined, {
    message: "Give a delay, an error status, or both.",
    path: ["delayMs"],
  });

export const cpuFault = z.object({
  kind: z.literal("cpu"),
  /** Busy workers; each loads one core to `percent`. */
  cores: z.number().int().min(1).max(256),
  percent: z.number().int().min(1).max(100).default(100),
});

export const memoryFault = z.object({
  kind: z.literal("memory"),
  /** Bytes to hold. A share of a container's limit is turned into bytes by the action, which
   * reads the pod's spec: inside the container the limit is not always visible. */
  bytes: z
    .number()
    .int()
    .min(1 << 20)
    .max(2 ** 46),
});

export const processKillFault = z
  .object({
    kind: z.literal("process-kill"),
    /** The process name as in /proc/PID/comm (what `ps -o comm` shows). */
    name: z.string().min(1).max(15).optional(),
    pid: z.number().int().min(2).optional(),
    signal: z.enum(["SIGKILL", "SIGTERM", "SIGINT"]).default("SIGKILL"),
    rounds: z.number().int().min(1).max(100).default(1),
    intervalSeconds: z.number().min(0.1).max(3600).default(10),
  })
  .refine((f) => (f.name === undefined) !== (f.pid === undefined), {
    message: "Give either a process name or a process id.",
    path: ["name"],
  });

export const fault = z.discriminatedUnion("kind", [
  latencyFault,
  lossFault,
  partitionFault,
  dnsFault,
  httpFault,
  cpuFault,
  memoryFault,
  processKillFault,
]);

export const faultSpec = z.object({
  /** Names the runner's nftables table (`pystol_<id>`), so several faults never share state. */
  id: z.string().regex(/^[a-z0-9_]{1,32}$/, "Use 1 to 32 lower-case letters, digits or underscores."),
  durationSeconds: z.number().min(0.1).max(86_400),
  fault,
});

export type FaultSpec = z.infer<typeof faultSpec>;
export type Fault = z.infer<typeof fault>;
export type FaultKind = Fault["kind"];
export type Direction = z.infer<typeof direction>;

/** Parses a spec given as JSON text; the error names each field that is wrong. */
export function parseFaultSpec(text: string): FaultSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SpecError("The fault spec is not JSON.");
  }
  const parsed = faultSpec.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".") || "spec"}: ${i.message}`);
    throw new SpecError(`The fault spec is not valid: ${lines.join("; ")}`);
  }
  return parsed.data;
}

export class SpecError extends Error {
  override name = "SpecError";
}
