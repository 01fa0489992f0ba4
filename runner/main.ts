// The fault runner's entry point. Input: the fault spec (PYSTOL_FAULT_SPEC or `--spec JSON`) and
// where its lease is (PYSTOL_LEASE, with PYSTOL_LEASE_TOKEN and PYSTOL_LEASE_CA for a Kubernetes
// Lease). `--plan` prints the exact changes without making them; `--cleanup` removes what a
// runner killed outright left for the same fault id. Exit codes: 0 the fault ran and is gone,
// 1 it did not start (nothing is left), 2 the input is invalid, 3 it could not be fully removed.
import { z } from "zod";
import { createLogger } from "@/lib/log";
import { FileLeaseSource, KubernetesLeaseSource, type LeaseSource } from "./lease";
import { planFault } from "./plan";
import { cleanup, NotStartedError, planContext, RemovalError, runFault } from "./run-fault";
import { parseFaultSpec, SpecError } from "./spec";

const log = createLogger("fault-runner");

const leaseConfig = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("kubernetes"),
    server: z.url(),
    namespace: z.string().min(1).max(63),
    name: z.string().min(1).max(253),
    pollMs: z.number().int().min(100).max(10_000).optional(),
  }),
  z.object({
    kind: z.literal("file"),
    path: z.string().min(1),
    pollMs: z.number().int().min(50).max(10_000).optional(),
  }),
]);

class InputError extends Error {}

function leaseFrom(env: NodeJS.ProcessEnv): { source: LeaseSource; pollMs?: number } {
  const text = env.PYSTOL_LEASE;
  if (!text)
    throw new InputError(
      "PYSTOL_LEASE is not set: a fault runner never runs without a lease that ends its fault.",
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError("PYSTOL_LEASE is not JSON.");
  }
  const parsed = leaseConfig.safeParse(raw);
  if (!parsed.success)
    throw new InputError(
      `PYSTOL_LEASE is not valid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "lease"}: ${i.message}`).join("; ")}`,
    );
  const c = parsed.data;
  if (c.kind === "file") return { source: new FileLeaseSource(c.path), pollMs: c.pollMs };
  const token = env.PYSTOL_LEASE_TOKEN;
  if (!token)
    throw new InputError("PYSTOL_LEASE_TOKEN is not set: reading a Kubernetes Lease needs a token.");
  return {
    source: new KubernetesLeaseSource({
      server: c.server,
      namespace: c.namespace,
      name: c.name,
      token,
      ca: env.PYSTOL_LEASE_CA,
    }),
    pollMs: c.pollMs,
  };
}

function specText(argv: string[], env: NodeJS.ProcessEnv): string {
  const i = argv.indexOf("--spec");
  const text = i >= 0 ? argv[i + 1] : env.PYSTOL_FAULT_SPEC;
  if (!text) throw new InputError("No fault spec: pass --spec JSON or set PYSTOL_FAULT_SPEC.");
  return text;
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let spec;
  try {
    spec = parseFaultSpec(specText(argv, env));
  } catch (e) {
    if (e instanceof SpecError || e instanceof InputError) {
      log.error({ event: "invalid" }, e.message);
      return 2;
    }
    throw e;
  }
  if (argv.includes("--plan")) {
    const exemptions = env.PYSTOL_LEASE ? leaseFrom(env).source.exemptions : [];
    process.stdout.write(
      `${JSON.stringify(planFault(spec, await planContext(spec, { exemptions })), null, 2)}\n`,
    );
    return 0;
  }
  if (argv.includes("--cleanup")) {
    const removed = await cleanup(spec);
    log.info(
      { event: "cleaned", removed },
      removed.length > 0 ? `removed ${removed.join(", ")}` : "nothing was left",
    );
    return 0;
  }
  let lease;
  try {
    lease = leaseFrom(env);
  } catch (e) {
    if (e instanceof InputError) {
      log.error({ event: "invalid" }, e.message);
      return 2;
    }
    throw e;
  }

  const stop = new AbortController();
  const onSignal = (sig: string) => {
    log.info({ event: "signal", signal: sig }, "told to stop; removing the fault");
    stop.abort();
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  try {
    await runFault({
      spec,
      lease: lease.source,
      leasePollMs: lease.pollMs,
      stop: stop.signal,
      emit: (e) => log.info(e, e.event),
    });
    return 0;
  } catch (e) {
    if (e instanceof NotStartedError) {
      log.error({ event: "not-started" }, e.message);
      return 1;
    }
    if (e instanceof RemovalError) {
      log.error({ event: "removal-failed" }, e.message);
      return 3;
    }
    throw e;
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => {
    process.exitCode = code;
    // Waits for the log to drain, then leaves even if a socket lingers.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (e: unknown) => {
    log.error({ event: "crashed", err: e }, "the fault runner failed unexpectedly");
    process.exitCode = 3;
    setTimeout(() => process.exit(3), 50).unref();
  },
);
