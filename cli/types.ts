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
  runId: string;
  url?: string;
  expiresAt: string | null;
  revokedAt: string | null;
  live: boolean;
}

export const PERMANENT = ["SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED"];
