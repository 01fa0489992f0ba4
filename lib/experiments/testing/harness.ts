import os from "node:os";
import { db, type ExecutionState, type ExperimentExecution } from "@/lib/db";
import { startRunStack, type RunStack, type TestCluster } from "@/lib/runs/testing/harness";
import type { TeamContext } from "@/lib/tenancy";
import { createExperiment } from "../store";
import { closeExperimentQueues } from "../queues";
import { VERDICT_STATES } from "../states";
import { startExperimentWorker, type ExperimentWorkerHandle } from "../worker";
import type { ExperimentDefinitionInput } from "../definition";

// Test-only: the run stack (sandbox, team with a demo cluster, run worker) plus the experiment
// worker, in this process. Timing variables (EXPERIMENT_HEARTBEAT_MS, …) are set before calling.

export interface ExperimentStack extends RunStack {
  experiments: ExperimentWorkerHandle;
}

export async function startExperimentStack(name: string): Promise<ExperimentStack> {
  const stack = await startRunStack(name);
  const experiments = startExperimentWorker({ workerId: `${os.hostname()}:${process.pid}:${name}` });
  return {
    ...stack,
    experiments,
    async close() {
      await experiments.close();
      await closeExperimentQueues();
      await stack.close();
    },
  };
}

/** The owner's context of a test cluster's team, as a session would give it. */
export async function contextOf(c: Pick<TestCluster, "teamId">): Promise<TeamContext> {
  const team = await db.team.findUniqueOrThrow({ where: { id: c.teamId }, select: { id: true, slug: true, name: true, personal: true, isTrial: true } });
  return { team, role: "OWNER", user: null, tokenId: null };
}

let seq = 0;
/** Saves an experiment on the test cluster under a fresh name. */
export async function saveExperiment(ctx: TeamContext, c: Pick<TestCluster, "clusterId">, definition: ExperimentDefinitionInput) {
  return createExperiment(ctx, { name: `experiment ${process.pid} ${++seq}`, clusterId: c.clusterId, definition });
}

/** Polls until the execution is in one of the states (its verdict by default). */
export async function waitForExecution(id: string, states: readonly ExecutionState[] = VERDICT_STATES, bound = 90_000): Promise<ExperimentExecution> {
  const until = Date.now() + bound;
  for (;;) {
    const row = await db.experimentExecution.findUniqueOrThrow({ where: { id } });
    if (states.includes(row.state)) return row;
    if (Date.now() > until) throw new Error(`execution ${id} stayed ${row.state}, never reached ${states.join("/")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
