// Shared by the tests of lib/views: a team with a demo sandbox cluster, seen as its viewers see it.
import { db } from "@/lib/db";
import { createTestCluster, type Sandbox } from "@/lib/runs/testing/harness";
import type { CreateClusterRequest } from "@/lib/sandbox/admin-client";
import type { TeamContext } from "@/lib/tenancy";
import { findViewCluster, type ViewCluster } from "./index";

/** A new team's demo cluster as a viewer of the team reads it; `access` narrows its credentials. */
export async function testViewCluster(
  sb: Pick<Sandbox, "admin">,
  access?: CreateClusterRequest["access"],
): Promise<{ cluster: ViewCluster; sandboxId: string }> {
  const { teamId, clusterId, sandboxId } = await createTestCluster(sb, {}, access);
  const team = await db.team.findUniqueOrThrow({ where: { id: teamId } });
  const ctx: TeamContext = { team: { id: team.id, slug: team.slug, name: team.name, personal: false, isTrial: false }, role: "VIEWER", user: null, tokenId: null };
  const cluster = await findViewCluster(ctx, clusterId);
  if (!cluster) throw new Error("the viewer could not see the team's cluster");
  return { cluster, sandboxId };
}
