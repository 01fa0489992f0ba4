import { z } from "zod";
import { deploymentScale } from "./deployment-scale";
import { dnsFault, httpFault, networkLatency, networkLoss, networkPartition } from "./faults/network-faults";
import { cpuPressure, memoryPressure, processKill } from "./faults/resource-faults";
import { jobAction } from "./job";
import { nodeCordon } from "./node-cordon";
import { nodeDrain } from "./node-drain";
import { pingTest } from "./ping-test";
import { podKill } from "./pod-kill";
import type { ActionDefinition } from "./types";

// Every action the service offers. A new action: one file beside this one, one line here.
const ACTIONS: readonly ActionDefinition[] = [
  podKill,
  nodeDrain,
  nodeCordon,
  pingTest,
  deploymentScale,
  jobAction,
  // Faults made by the fault runner inside target pods (lib/actions/faults).
  networkLatency,
  networkLoss,
  networkPartition,
  dnsFault,
  httpFault,
  cpuPressure,
  memoryPressure,
  processKill,
];

const byId = new Map(ACTIONS.map((a) => [a.id, a]));

/** Every action, in catalog order. */
export function listActions(): readonly ActionDefinition[] {
  return ACTIONS;
}

/** The action with this id, or undefined. */
export function getAction(id: string): ActionDefinition | undefined {
  return byId.get(id);
}

/** What a page or the API shows of an action: no code, the parameters as JSON Schema. */
export interface ActionSummary {
  id: string;
  title: string;
  description: string;
  permissions: readonly string[];
  /** JSON Schema (draft 2020-12) of the parameters as a form fills them (defaults optional). */
  paramsSchema: Record<string, unknown>;
}

const summaries = new Map<string, ActionSummary>();

/** The action's public description with its parameter JSON Schema (computed once). */
export function describeAction(action: ActionDefinition): ActionSummary {
  let s = summaries.get(action.id);
  if (!s) {
    s = {
      id: action.id,
      title: action.title,
      description: action.description,
      permissions: action.permissions,
      paramsSchema: z.toJSONSchema(action.params, { io: "input", unrepresentable: "any" }) as Record<string, unknown>,
    };
    summaries.set(action.id, s);
  }
  return s;
}

/** Every action's public description, for the Available page and GET /api/v1/actions. */
export function describeCatalog(): ActionSummary[] {
  return ACTIONS.map(describeAction);
}
