import { db, type ExecutionState } from "@/lib/db";
import { listExperiments, type ExperimentSummary } from "@/lib/experiments";
import { scoped, type TeamContext } from "@/lib/tenancy";

// The team's resilience at a glance: its experiments grouped by their last verdict, and its
// score over time (each finished execution's score, and the mean per day).

export const TREND_DAYS = 90;
const TREND_MAX_POINTS = 2000;

export interface TrendPoint {
  at: number;
  score: number;
  state: ExecutionState;
  experiment: string;
  executionId: string;
  experimentId: string;
}

export interface DailyScore {
  /** The day, YYYY-MM-DD (UTC). */
  day: string;
  mean: number;
  executions: number;
}

export interface TeamResilience {
  /** Experiments by the state of their last execution; "never run" for none. */
  byLastVerdict: { state: ExecutionState | "NEVER"; experiments: ExperimentSummary[] }[];
  trend: TrendPoint[];
  daily: DailyScore[];
  since: Date;
}

/** Mean score per UTC day, oldest first. */
export function dailyScores(points: Pick<TrendPoint, "at" | "score">[]): DailyScore[] {
  const days = new Map<string, { sum: number; n: number }>();
  for (const p of points) {
    const day = new Date(p.at).toISOString().slice(0, 10);
    const d = days.get(day) ?? { sum: 0, n: 0 };
    d.sum += p.score;
    d.n++;
    days.set(day, d);
  }
  return [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, d]) => ({ day, mean: Math.round((d.sum / d.n) * 10) / 10, executions: d.n }));
}

const ORDER: (ExecutionState | "NEVER")[] = ["FAILED", "ERROR", "STOPPED", "ABORTED", "NOT_STARTED", "QUEUED", "CHECKING", "INJECTING", "OBSERVING", "RECOVERING", "STOPPING", "PASSED", "NEVER"];

export async function teamResilience(ctx: TeamContext, now = new Date()): Promise<TeamResilience> {
  const since = new Date(now.getTime() - TREND_DAYS * 86_400_000);
  const [experiments, rows] = await Promise.all([
    listExperiments(ctx),
    db.experimentExecution.findMany({
      where: { ...scoped(ctx), finishedAt: { gte: since }, score: { not: null } },
      orderBy: { finishedAt: "desc" },
      take: TREND_MAX_POINTS,
      select: { id: true, score: true, state: true, finishedAt: true, experiment: { select: { id: true, name: true } } },
    }),
  ]);
  const groups = new Map<ExecutionState | "NEVER", ExperimentSummary[]>();
  for (const x of experiments) {
    const key = x.lastExecution?.state ?? "NEVER";
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  const trend = rows
    .map((r) => ({ at: r.finishedAt!.getTime(), score: r.score!, state: r.state, experiment: r.experiment.name, experimentId: r.experiment.id, executionId: r.id }))
    .reverse();
  return {
    byLastVerdict: ORDER.filter((s) => groups.has(s)).map((state) => ({ state, experiments: groups.get(state)! })),
    trend,
    daily: dailyScores(trend),
    since,
  };
}
