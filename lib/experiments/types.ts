import type { Plan } from "@/lib/actions";
import type { CheckAccess, CheckOutcome, CheckResult } from "@/lib/checks";
import type { ClusterKind, ExecutionState, RunState } from "@/lib/db";
import type { CheckMode, ExperimentDefinition, Tolerance } from "./definition";

// The shapes the web side (pages, API, CLI) reads. The engine fills them; nothing here is a
// database row, so pages never depend on columns.

/** The dry run of a whole experiment: every fault step planned, every check evaluated once. Nothing is written. */
export interface ExperimentPlan {
  stages: {
    name: string;
    faults: {
      name: string;
      actionId: string;
      actionTitle: string;
      /** The plan exactly as a run of this step would resolve it now; null when refused. */
      plan: Plan | null;
      /** Why this step could not be planned or would be refused (safety rules, permissions, empty selection). */
      refusal: { code: string; message: string } | null;
      /** Why starting it needs the typed confirmation, or null. */
      confirmReason: string | null;
    }[];
  }[];
  checks: {
    index: number;
    name: string;
    type: "http" | "kubernetes" | "prometheus";
    mode: CheckMode;
    /** One evaluation now. */
    result: CheckResult;
    /** Whether the cluster's credentials allow the check (kubernetes and service-proxy checks). */
    access: CheckAccess | null;
  }[];
  /** True when every step plans and no refusal stands: Run may be pressed. */
  ready: boolean;
  /** Sentences for the person: what keeps the experiment from starting. */
  problems: string[];
  /** Why starting it needs the typed confirmation (the experiment's name), or null. */
  confirmReason: string | null;
  /**
   * Seeds the plans' random choices (which pod of several): pass it to startExecution and each
   * fault step's run plans with it, so the runs hit what this dry run showed while the cluster
   * stays as it was.
   */
  planSeed: string;
}

export interface CheckSamplePoint {
  at: Date;
  phase: "before" | "during" | "after";
  outcome: CheckOutcome;
  value: number | null;
  observed: string;
  durationMs: number;
}

/** A line a chart draws for a check: the value its pass/fail is judged against, when numeric. */
export interface CheckThreshold {
  value: number;
  /** The healthy side: "<=" means healthy at or below the line. */
  op: "<" | "<=" | ">" | ">=" | "==" | "!=";
  unit: string;
}

export interface ExecutionDetail {
  id: string;
  teamId: string;
  experiment: { id: string; name: string };
  version: number;
  definition: ExperimentDefinition;
  cluster: { id: string; name: string; kind: ClusterKind };
  state: ExecutionState;
  /** One sentence: why it ended as it did ("stopped by checkout latency: 2 of 3 evaluations failed"). */
  reason: string | null;
  score: number | null;
  trippedBy: { checkIndex: number; name: string; at: Date } | null;
  abortedBy: { name: string } | null;
  stageIndex: number | null;
  createdBy: { name: string } | null;
  queuedAt: Date;
  startedAt: Date | null;
  faultsEndedAt: Date | null;
  finishedAt: Date | null;
  stages: {
    index: number;
    name: string;
    startedAt: Date | null;
    endedAt: Date | null;
    faults: {
      index: number;
      name: string;
      actionId: string;
      actionTitle: string;
      runId: string | null;
      state: RunState | null;
      summary: string | null;
      startedAt: Date | null;
      finishedAt: Date | null;
    }[];
  }[];
  checks: {
    index: number;
    name: string;
    type: "http" | "kubernetes" | "prometheus";
    mode: CheckMode;
    intervalSeconds: number;
    tolerance: Tolerance;
    stopOnTrip: boolean;
    threshold: CheckThreshold | null;
    samples: CheckSamplePoint[];
    /** pass | fail | error per phase that ran; null for a phase not reached. */
    outcome: { before: CheckOutcome | null; during: CheckOutcome | null; after: CheckOutcome | null };
    tripped: boolean;
  }[];
}

export interface ExecutionSummary {
  id: string;
  experiment: { id: string; name: string };
  version: number;
  state: ExecutionState;
  reason: string | null;
  score: number | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdBy: { name: string } | null;
}
