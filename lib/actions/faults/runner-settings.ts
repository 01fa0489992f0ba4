import { z } from "zod";
import { settingsFromEnv } from "@/lib/env/settings";
import { imageReferenceSchema, parseRegistryList } from "./image-reference";

// The fault runner as this installation starts it (docs/fault-runner.md).
const schema = z.object({
  // The image clusters pull for the runner (runner/Dockerfile).
  PYSTOL_RUNNER_IMAGE: z.string().min(1).max(512).default("pystol-fault-runner:local"),
  // The registries a team's own runner image may come from (comma list; empty = any).
  PYSTOL_RUNNER_IMAGE_REGISTRIES: z.string().max(4096).default("").transform(parseRegistryList),
  // How long a runner keeps its fault without seeing its Lease renewed: the longest a fault
  // outlives a worker that died. The worker renews at a third of it.
  PYSTOL_FAULT_LEASE_SECONDS: z.coerce.number().int().min(3).max(300).default(15),
});

export const runnerSettings = settingsFromEnv(schema);

/** The image a team's fault actions start: the team's own when it set one, else the installation's. */
export function runnerImageFor(teamImage: string | null | undefined): string {
  return teamImage || runnerSettings().PYSTOL_RUNNER_IMAGE;
}

/** A team's runner image as typed, checked against the grammar and this installation's registries. */
export const teamRunnerImageSchema = () => imageReferenceSchema(runnerSettings().PYSTOL_RUNNER_IMAGE_REGISTRIES);
