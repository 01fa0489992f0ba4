// The shapes the CLI reads from /api/v1 (see /api/v1/openapi.json for the full document).

export interface Target {
  kind: string;
  namespace?: string;
  name: string;
}

export interface Plan {
  summary: string;
  targets: Target[];
}

export interface Run {
  id: string;
  action: string;
  cluster: { id: string; name: string };
  state: string;
  finished: boolean;
  dryRun: boolean;
  params: unknown;
  plan: Plan | null;
  result: unknown;
  error: string | null;
  progress: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Step {
  index: number;
  name: string;
  state: string;
  target: Target | null;
  error: string | null;
}

export interface LogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}

export interface Cluster {
  id: string;
  name: string;
  kind: string;
  status: string;
  kubernetesVersion: string | null;
  nodeCount: number | null;
}

export interface Action {
  id: string;
  title: string;
  description: string;
  paramsSchema: { properties?: Record<string, { description?: string; type?: string }>; required?: string[] };
}

export interface ShareLink {
  id: string;
  runId: string | null;
  executionId: string | null;
  url?: string;
  expiresAt: string | null;
  revokedAt: string | null;
  live: boolean;
}

export const PERMANENT = ["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED"];

export interface ExperimentSummary {
  id: string;
  name: string;
  version: number;
  description: string;
  cluster: { id: string; name: string };
  stages: number;
  faults: number;
  checks: number;
  updatedAt: string;
  lastExecution: { id: string; state: string; score: number | null; queuedAt: string; finishedAt: string | null } | null;
}

export interface ExperimentCheckDef {
  name: string;
  type: string;
  mode: string;
  intervalSeconds: number;
  tolerance: { failures: number } | { percent: number };
  stopOnTrip: boolean;
}

export interface Experiment {
  id: string;
  name: string;
  version: number;
  cluster: { id: string; name: string };
  definition: {
    description: string;
    stages: { name: string; waitAfterSeconds: number; faults: { name?: string; actionId: string; params: Record<string, unknown>; durationSeconds?: number }[] }[];
    checks: ExperimentCheckDef[];
    recoveryWindowSeconds: number;
    maxDurationSeconds: number;
  };
  updatedAt: string;
}

export interface ExecutionSummary {
  id: string;
  experiment: { id: string; name: string };
  version: number;
  state: string;
  finished: boolean;
  verdict: string | null;
  reason: string | null;
  score: number | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Execution extends ExecutionSummary {
  trippedBy: { checkIndex: number; name: string; at: string } | null;
  stageIndex: number | null;
  stages: {
    index: number;
    name: string;
    startedAt: string | null;
    endedAt: string | null;
    faults: { index: number; name: string; actionId: string; runId: string | null; state: string | null; summary: string | null; startedAt: string | null; finishedAt: string | null }[];
  }[];
  checks: {
    index: number;
    name: string;
    mode: string;
    samples: { at: string; phase: string; outcome: string; value: number | null; observed: string }[];
    tripped: boolean;
  }[];
}
