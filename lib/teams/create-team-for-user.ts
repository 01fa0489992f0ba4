import { db } from "@/lib/db";
import type { RequestMeta } from "@/lib/audit";
import { createTeam } from "./create-team";

/** A new team owned by the user; returns its slug. */
export async function createTeamForUser(userId: string, name: string, meta?: RequestMeta): Promise<string> {
  const team = await db.$transaction((tx) => createTeam(tx, { name, userId }, meta));
  return team.slug;
}
