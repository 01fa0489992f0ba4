import { getAction } from "@/lib/actions";
import { isTokenOf, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { isLive } from "./expiry";
import { redactJson, redactText } from "./redact";
import { SHARE_TOKEN_PREFIX } from "./share-links";

const LOG_LIMIT = 1000;

interface SharedTarget {
  kind: string;
  namespace?: string;
  name: string;
}

/** Everything a shared page shows: run facts only, each string redacted; no ids of the team's other objects. */
export interface SharedRun {
  teamName: string;
  action: { id: string; title: string; description: string };
  clusterKind: "SANDBOX" | "KUBECONFIG";
  params: unknown;
  state: string;
  dryRun: boolean;
  error: string | null;
  progress: number;
  summary: string | null;
  targets: SharedTarget[];
  result: unknown;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  steps: { index: number; name: string; state: string; target: SharedTarget | null; error: string | null; startedAt: Date | null; finishedAt: Date | null }[];
  logs: { at: Date; level: string; message: string }[];
  expiresAt: Date | null;
}

function asTarget(value: unknown, known: readonly string[]): SharedTarget | null {
  if (!value || typeof value !== "object") return null;
  const t = value as Record<string, unknown>;
  if (typeof t.kind !== "string" || typeof t.name !== "string") return null;
  return {
    kind: redactText(t.kind, known),
    name: redactText(t.name, known),
    ...(typeof t.namespace === "string" ? { namespace: redactText(t.namespace, known) } : {}),
  };
}

/** The live link of a token, or null when the token is malformed, unknown, revoked or expired. */
export async function liveLink(token: string) {
  if (!isTokenOf(SHARE_TOKEN_PREFIX, token)) return null;
  const link = await db.shareLink.findUnique({ where: { tokenHash: hashToken(token) } });
  return link && isLive(link) ? link : null;
}

export async function countView(linkId: string): Promise<void> {
  await db.shareLink.updateMany({ where: { id: linkId }, data: { viewCount: { increment: 1 }, lastViewedAt: new Date() } });
}

/** The exact strings a shared page must never show: the cluster's host and the team's member e-mails, whatever the text says. */
export async function secretsOf(teamId: string, cluster: { kind: string; serverHost: string | null }): Promise<string[]> {
  const members = await db.membership.findMany({ where: { teamId }, select: { user: { select: { email: true } } } });
  const host = cluster.kind === "KUBECONFIG" ? (cluster.serverHost ?? "") : "";
  return [host, ...members.map((m) => m.user.email)].filter(Boolean);
}

/**
 * The run behind a share link token, for a signed-out visitor; null when the token is
 * malformed, unknown, revoked or expired (the page answers 404). Counts the view.
 */
export async function getSharedRun(token: string): Promise<SharedRun | null> {
  const link = await liveLink(token);
  if (!link?.runId) return null;
  const run = await db.run.findFirst({
    where: { id: link.runId, teamId: link.teamId },
    include: {
      team: { select: { name: true } },
      cluster: { select: { kind: true, serverHost: true, name: true } },
      steps: { orderBy: { index: "asc" } },
    },
  });
  if (!run) return null;
  const logs = await db.runLog.findMany({
    where: { runId: run.id, teamId: link.teamId },
    orderBy: { id: "desc" },
    take: LOG_LIMIT,
    select: { at: true, level: true, message: true },
  });
  await countView(link.id);
  const known = await secretsOf(link.teamId, run.cluster);
  const action = getAction(run.actionId);
  const plan = (run.plan ?? {}) as { summary?: unknown; targets?: unknown };
  return {
    teamName: redactText(run.team.name, known),
    action: { id: run.actionId, title: action?.title ?? run.actionId, description: action?.description ?? "" },
    clusterKind: run.cluster.kind,
    params: redactJson(run.params, known),
    state: run.state,
    dryRun: run.dryRun,
    error: run.error === null ? null : redactText(run.error, known),
    progress: run.progress,
    summary: typeof plan.summary === "string" ? redactText(plan.summary, known) : null,
    targets: Array.isArray(plan.targets) ? plan.targets.map((t) => asTarget(t, known)).filter((t) => t !== null) : [],
    result: redactJson(run.result, known),
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    steps: run.steps.map((s) => ({
      index: s.index,
      name: redactText(s.name, known),
      state: s.state,
      target: asTarget(s.target, known),
      error: s.error === null ? null : redactText(s.error, known),
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
    })),
    logs: logs.reverse().map((l) => ({ at: l.at, level: l.level, message: redactText(l.message, known) })),
    expiresAt: link.expiresAt,
  };
}
