import type { CheckOutcome } from "@/lib/checks";
import { db } from "@/lib/db";
import { getExecutionDetail, isVerdict, verdictLabel, type CheckThreshold, type ExecutionDetail } from "@/lib/experiments";
import { redactJson, redactText } from "./redact";
import { countView, liveLink, secretsOf } from "./shared-run";

/**
 * Everything the shared execution page shows: the verdict, score and reason, the timeline of
 * stages and faults, each check's values. Every string redacted; no ids of the team's other
 * objects (runs, clusters), no people.
 */
export interface SharedExecution {
  teamName: string;
  experimentName: string;
  version: number;
  description: string;
  clusterKind: "SANDBOX" | "KUBECONFIG";
  state: ExecutionDetail["state"];
  /** passed, failed, stopped, aborted, error, not-started; null while it runs. */
  verdict: string | null;
  reason: string | null;
  score: number | null;
  trippedBy: { name: string; at: Date } | null;
  queuedAt: Date;
  startedAt: Date | null;
  faultsEndedAt: Date | null;
  finishedAt: Date | null;
  stages: {
    index: number;
    name: string;
    startedAt: Date | null;
    endedAt: Date | null;
    faults: { index: number; name: string; actionId: string; actionTitle: string; params: unknown; state: string | null; summary: string | null; startedAt: Date | null; finishedAt: Date | null }[];
  }[];
  checks: {
    index: number;
    name: string;
    type: string;
    mode: string;
    threshold: CheckThreshold | null;
    outcome: { before: CheckOutcome | null; during: CheckOutcome | null; after: CheckOutcome | null };
    tripped: boolean;
    samples: { at: Date; phase: string; outcome: CheckOutcome; value: number | null; observed: string }[];
  }[];
  expiresAt: Date | null;
}

/**
 * The execution behind a share link token, for a signed-out visitor; null when the token is
 * malformed, unknown, revoked or expired, or opens a run (the page answers 404). Counts the view.
 */
export async function getSharedExecution(token: string): Promise<SharedExecution | null> {
  const link = await liveLink(token);
  if (!link?.executionId) return null;
  const team = await db.team.findUnique({ where: { id: link.teamId }, select: { id: true, name: true } });
  const e = team && (await getExecutionDetail(team.id, link.executionId));
  if (!team || !e) return null;
  const cluster = await db.cluster.findFirst({ where: { id: e.cluster.id, teamId: team.id }, select: { kind: true, serverHost: true } });
  await countView(link.id);
  const known = await secretsOf(team.id, cluster ?? { kind: e.cluster.kind, serverHost: null });
  const text = (s: string) => redactText(s, known);
  const maybe = (s: string | null) => (s === null ? null : text(s));
  return {
    teamName: text(team.name),
    experimentName: text(e.experiment.name),
    version: e.version,
    description: text(e.definition.description),
    clusterKind: e.cluster.kind,
    state: e.state,
    verdict: isVerdict(e.state) ? verdictLabel(e.state) : null,
    reason: maybe(e.reason),
    score: e.score,
    trippedBy: e.trippedBy && { name: text(e.trippedBy.name), at: e.trippedBy.at },
    queuedAt: e.queuedAt,
    startedAt: e.startedAt,
    faultsEndedAt: e.faultsEndedAt,
    finishedAt: e.finishedAt,
    stages: e.stages.map((s) => ({
      index: s.index,
      name: text(s.name),
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      faults: s.faults.map((f) => ({
        index: f.index,
        name: text(f.name),
        actionId: f.actionId,
        actionTitle: f.actionTitle,
        params: redactJson(e.definition.stages[s.index]?.faults[f.index]?.params ?? {}, known),
        state: f.state,
        summary: maybe(f.summary),
        startedAt: f.startedAt,
        finishedAt: f.finishedAt,
      })),
    })),
    checks: e.checks.map((c) => ({
      index: c.index,
      name: text(c.name),
      type: c.type,
      mode: c.mode,
      threshold: c.threshold,
      outcome: c.outcome,
      tripped: c.tripped,
      samples: c.samples.map((p) => ({ at: p.at, phase: p.phase, outcome: p.outcome, value: p.value, observed: text(p.observed) })),
    })),
    expiresAt: link.expiresAt,
  };
}

/** The address of a shared execution page, for a token. */
export const sharedExecutionPath = (token: string): string => `/e/${token}`;
