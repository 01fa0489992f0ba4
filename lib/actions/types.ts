import type { z } from "zod";
import type { ActionKube } from "./action-kube";
import type { Undo } from "./undo";

export type { ActionKube };

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One object a run hits: exact, so the dry run shows precisely what would change. */
export interface Target {
  kind: "Pod" | "Node" | "Deployment" | "Job" | "Host";
  namespace?: string;
  name: string;
}

/** What plan() resolved, stored on the run: the targets plus action-specific detail. */
export interface Plan {
  targets: Target[];
  /** One line for people: "delete 2 of 3 pods matching app=cart in shop". */
  summary: string;
  detail?: JsonObject;
  /**
   * Why this plan asks for the typed confirmation whatever its size (every replica of a
   * workload, pods nothing brings back): sentences shown beside the confirmation field.
   */
  confirmBecause?: string;
}

export interface StepOptions {
  /** The undo record, persisted before the step runs (for steps that change lasting state). */
  undo?: Undo;
  /** Carry out the undo this long after the step starts at the latest (a timed restore). */
  undoAfterMs?: number;
  /** The step fails past this; the default is 30 s. */
  timeoutMs?: number;
  /** Attempts after a failure. Only for steps that are safe to repeat. */
  retries?: number;
  /** The target's state before the change, recorded on the step. */
  before?: Json;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/** What execute() may do: every cluster change goes through step(), which records it. */
export interface ActionContext extends Omit<PlanContext, "planId"> {
  runId: string;
  /** Aborted when the run must stop (abort, halt-all, lost ownership). */
  signal: AbortSignal;
  log(message: string, data?: JsonObject, level?: LogLevel): void;
  /** Progress of the action part of the run, 0..100. */
  progress(percent: number): void;
  /** Records one step: its undo first, then runs fn with a timeout and stores its result. */
  step<T extends Json | void>(
    name: string,
    target: Target | null,
    fn: (signal: AbortSignal) => Promise<T>,
    opts?: StepOptions,
  ): Promise<T>;
  /** Waits, but stops early (throwing) when the run is aborted. */
  sleep(ms: number): Promise<void>;
}

/** What plan() may read: the cluster, nothing else, and it changes nothing. */
export interface PlanContext {
  kube: ActionKube;
  /** The team's protected namespaces: plans leave their objects alone or refuse. */
  protectedNamespaces: ReadonlySet<string>;
  /** Where random choices come from; seeded so that a run repeats its dry run's choice. */
  random?: () => number;
  /**
   * A short id of this plan for the names of objects the run creates (a Job, probe pods).
   * Derived from the plan seed: the run, re-planned from the dry run the person confirmed,
   * names exactly the objects that dry run showed; another plan names other objects.
   */
  planId: string;
  /**
   * The team's own fault runner image, when it chose one (Team.faultRunnerImage); fault
   * actions otherwise start the installation's PYSTOL_RUNNER_IMAGE.
   */
  runnerImage?: string;
}

/**
 * One fault action. Params are parsed with `params` before plan() and execute() see them;
 * `permissions` name what the credentials must allow ("<verb> <resource>", as the
 * connection probe reports them).
 */
export interface ActionDefinition<S extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  description: string;
  params: S;
  permissions: readonly string[];
  plan(ctx: PlanContext, params: z.output<S>): Promise<Plan>;
  /** Performs the run; returns the result stored on the run (a matrix, a log, counts). */
  execute(ctx: ActionContext, params: z.output<S>, plan: Plan): Promise<JsonObject>;
  /** Reverses one recorded step from its undo record. Must be safe to repeat. */
  rollback(kube: ActionKube, undo: Undo): Promise<void>;
}

/** Declares an action, keeping its params type for plan() and execute(). */
export function defineAction<S extends z.ZodType>(def: ActionDefinition<S>): ActionDefinition<S> {
  return def;
}
