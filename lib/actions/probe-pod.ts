import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { z } from "zod";

/**
 * The probe's shell script, for clusters whose probe image is busybox-like: one JSON line
 * per target per round, then {"done":true} — the same lines the sandbox prints, so one
 * parser serves both. Only `sh`, `ping` and `sed` are needed.
 */
export const PROBE_SCRIPT = [
  'r=1; rounds="${PYSTOL_PROBE_ROUNDS:-3}"',
  'while [ "$r" -le "$rounds" ]; do',
  "  for t in $PYSTOL_PROBE_TARGETS; do",
  '    if out=$(ping -c 1 -W 2 "$t" 2>/dev/null); then',
  "      rtt=$(printf '%s' \"$out\" | sed -n 's/.*time=\\([0-9.]*\\).*/\\1/p' | head -n 1)",
  '      printf \'{"target":"%s","reachable":true,"rttMs":%s,"round":%s}\\n\' "$t" "${rtt:-null}" "$r"',
  "    else",
  '      printf \'{"target":"%s","reachable":false,"rttMs":null,"round":%s}\\n\' "$t" "$r"',
  "    fi",
  "  done",
  "  r=$((r+1))",
  "done",
  "printf '{\"done\":true}\\n'",
].join("\n");

/** The address other probes ping a node by: its InternalIP, else its name. */
export function nodeAddress(node: V1Node): string {
  return node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? node.metadata?.name ?? "";
}

/** A probe pod pinned to one node (tolerating every taint) that probes the given targets. */
export function probePod(opts: { name: string; namespace: string; node: string; image: string; runId: string; targets: string[]; rounds: number }): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: opts.name,
      namespace: opts.namespace,
      labels: { "pystol.io/role": "probe", "pystol.io/run": opts.runId, "app.kubernetes.io/managed-by": "pystol" },
    },
    spec: {
      nodeName: opts.node,
      restartPolicy: "Never",
      tolerations: [{ operator: "Exists" }],
      containers: [
        {
          name: "probe",
          image: opts.image,
          command: ["sh", "-c", PROBE_SCRIPT],
          env: [
            { name: "PYSTOL_PROBE_TARGETS", value: opts.targets.join(" ") },
            { name: "PYSTOL_PROBE_ROUNDS", value: String(opts.rounds) },
          ],
        },
      ],
    },
  };
}

const lineSchema = z.object({ target: z.string(), reachable: z.boolean(), rttMs: z.number().nullable(), round: z.number() });
export type ProbeLine = z.infer<typeof lineSchema>;

/** The probe lines of a log; other lines (timestamps, shell noise) are ignored. */
export function parseProbeLog(log: string): { lines: ProbeLine[]; done: boolean } {
  const lines: ProbeLine[] = [];
  let done = false;
  for (const raw of log.split("\n")) {
    const start = raw.indexOf("{");
    if (start < 0) continue;
    try {
      const value: unknown = JSON.parse(raw.slice(start));
      if ((value as { done?: unknown }).done === true) done = true;
      const parsed = lineSchema.safeParse(value);
      if (parsed.success) lines.push(parsed.data);
    } catch {
      // not a probe line
    }
  }
  return { lines, done };
}
