import { randomBytes } from "node:crypto";
import type { Prisma, Team } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { slugify } from "./schemas";

type Tx = Prisma.TransactionClient;

// A slug is free when no team has it; on a clash a short random suffix keeps it readable.
async function freeSlug(tx: Tx, name: string): Promise<string> {
  const base = slugify(name);
  for (let i = 0; i < 5; i++) {
    const slug = i === 0 ? base : `${base}-${randomBytes(3).toString("hex")}`;
    if (!(await tx.team.findUnique({ where: { slug }, select: { id: true } }))) return slug;
  }
  return `${base}-${randomBytes(6).toString("hex")}`;
}

/** Creates a team owned by `userId`, inside the caller's transaction, and audits it. */
export async function createTeam(
  tx: Tx,
  input: { name: string; userId: string; personal?: boolean; isTrial?: boolean; trialExpiresAt?: Date },
  meta?: RequestMeta,
): Promise<Team> {
  const team = await tx.team.create({
    data: {
      name: input.name,
      slug: await freeSlug(tx, input.name),
      personal: input.personal ?? false,
      isTrial: input.isTrial ?? false,
      trialExpiresAt: input.trialExpiresAt,
    },
  });
  // Written on its own: a nested create reads the team back once more after both inserts.
  await tx.membership.create({ data: { teamId: team.id, userId: input.userId, role: "OWNER" }, select: { id: true } });
  await recordAudit(
    {
      action: "team.created",
      teamId: team.id,
      actorUserId: input.userId,
      targetType: "team",
      targetId: team.id,
      meta,
    },
    tx,
  );
  return team;
}
