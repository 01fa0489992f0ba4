import type { CheckOutcome } from "@/lib/checks";
import type { ExecutionState } from "@/lib/db";
import type { ExecutionDetail } from "@/lib/experiments";

// The difference between two executions of one experiment: which checks changed outcome in each
// phase, how the score and the duration moved, and what changed in the definition between the
// versions they ran. Pure, so the compare page, the API and the tests read it alike.

export const PHASES = ["before", "during", "after"] as const;
export type Phase = (typeof PHASES)[number];

export interface ExecutionSide {
  id: string;
  version: number;
  state: ExecutionState;
  score: number | null;
  queuedAt: Date;
  durationMs: number | null;
}

export interface CheckPhaseChange {
  from: CheckOutcome | null;
  to: CheckOutcome | null;
  changed: boolean;
}

export interface CheckDiff {
  name: string;
  /** added: only the newer execution has it; removed: only the older one; changed: an outcome moved. */
  status: "same" | "changed" | "added" | "removed";
  phases: Record<Phase, CheckPhaseChange>;
  /** Share of during evaluations that passed (0–1), per side; null when it had none. */
  duringPassShare: { from: number | null; to: number | null };
  /** better, worse or neither, judged on the outcomes that changed. */
  direction: "better" | "worse" | "mixed" | "none";
}

export interface ExecutionDiff {
  from: ExecutionSide;
  to: ExecutionSide;
  verdictChanged: boolean;
  scoreChange: number | null;
  durationChangeMs: number | null;
  /** The versions differ: what changed in the definition between them, one sentence each. */
  versionChanges: string[];
  checks: CheckDiff[];
}

export const durationOf = (x: { startedAt: Date | null; finishedAt: Date | null }): number | null =>
  x.startedAt && x.finishedAt ? x.finishedAt.getTime() - x.startedAt.getTime() : null;

const side = (x: ExecutionDetail): ExecutionSide => ({ id: x.id, version: x.version, state: x.state, score: x.score, queuedAt: x.queuedAt, durationMs: durationOf(x) });

const rank = (o: CheckOutcome | null): number | null => (o === null ? null : o === "pass" ? 1 : 0);

const passShare = (c: ExecutionDetail["checks"][number] | undefined): number | null => {
  const during = c?.samples.filter((s) => s.phase === "during") ?? [];
  return during.length === 0 ? null : during.filter((s) => s.outcome === "pass").length / during.length;
};

/** What changed in the definition from one version to the other, in sentences; empty when the same. */
export function definitionChanges(a: ExecutionDetail["definition"], b: ExecutionDetail["definition"]): string[] {
  const out: string[] = [];
  const checksA = new Map(a.checks.map((c) => [c.name, JSON.stringify(c)]));
  const checksB = new Map(b.checks.map((c) => [c.name, JSON.stringify(c)]));
  for (const name of checksB.keys()) if (!checksA.has(name)) out.push(`Check "${name}" added.`);
  for (const name of checksA.keys()) if (!checksB.has(name)) out.push(`Check "${name}" removed.`);
  for (const [name, json] of checksB) if (checksA.has(name) && checksA.get(name) !== json) out.push(`Check "${name}" changed.`);
  const stageCount = Math.max(a.stages.length, b.stages.length);
  for (let s = 0; s < stageCount; s++) {
    const sa = a.stages[s];
    const sb = b.stages[s];
    if (!sa) out.push(`Stage ${s + 1} "${sb!.name}" added.`);
    else if (!sb) out.push(`Stage ${s + 1} "${sa.name}" removed.`);
    else if (JSON.stringify(sa) !== JSON.stringify(sb)) out.push(`Stage ${s + 1} "${sb.name}" changed (its faults, their parameters or its wait).`);
  }
  if (a.recoveryWindowSeconds !== b.recoveryWindowSeconds) out.push(`Recovery window ${a.recoveryWindowSeconds} s → ${b.recoveryWindowSeconds} s.`);
  if (a.maxDurationSeconds !== b.maxDurationSeconds) out.push(`Maximum duration ${a.maxDurationSeconds} s → ${b.maxDurationSeconds} s.`);
  return out;
}

/**
 * Compares two executions; `from` is the older one (they are put in queue order whatever order
 * they come in). Checks are matched by name, so a check renamed between versions shows as
 * removed and added.
 */
export function diffExecutions(first: ExecutionDetail, second: ExecutionDetail): ExecutionDiff {
  const [a, b] = first.queuedAt.getTime() <= second.queuedAt.getTime() ? [first, second] : [second, first];
  const names = [...new Set([...a.checks.map((c) => c.name), ...b.checks.map((c) => c.name)])];
  const checks = names.map((name): CheckDiff => {
    const ca = a.checks.find((c) => c.name === name);
    const cb = b.checks.find((c) => c.name === name);
    const phases = Object.fromEntries(
      PHASES.map((p) => {
        const from = ca?.outcome[p] ?? null;
        const to = cb?.outcome[p] ?? null;
        return [p, { from, to, changed: from !== to }];
      }),
    ) as Record<Phase, CheckPhaseChange>;
    let better = 0;
    let worse = 0;
    for (const p of PHASES) {
      const ra = rank(phases[p].from);
      const rb = rank(phases[p].to);
      if (ra === null || rb === null || ra === rb) continue;
      if (rb > ra) better++;
      else worse++;
    }
    const status = !ca ? "added" : !cb ? "removed" : PHASES.some((p) => phases[p].changed) ? "changed" : "same";
    return {
      name,
      status,
      phases,
      duringPassShare: { from: passShare(ca), to: passShare(cb) },
      direction: better && worse ? "mixed" : better ? "better" : worse ? "worse" : "none",
    };
  });
  const from = side(a);
  const to = side(b);
  return {
    from,
    to,
    verdictChanged: a.state !== b.state,
    scoreChange: from.score !== null && to.score !== null ? to.score - from.score : null,
    durationChangeMs: from.durationMs !== null && to.durationMs !== null ? to.durationMs - from.durationMs : null,
    versionChanges: a.version === b.version ? [] : definitionChanges(a.definition, b.definition),
    checks,
  };
}
