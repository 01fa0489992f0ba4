import { auditActor, recordAudit } from "@/lib/audit";
import { db, type Cluster, type Prisma } from "@/lib/db";
import type { ClusterProbe } from "@/lib/kube";
import { scoped, type TeamContext } from "@/lib/tenancy";
import { checkCluster, probeColumns } from "./check-cluster";
import { ClusterError } from "./cluster-error";

const nameTaken = (name: string) =>
  new ClusterError("name-taken", `This team already has a cluster named "${name}"`);

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2002";
}

/** Refuses a name another of the team's clusters has, before any costly work; the unique index has the last word. */
export async function assertClusterNameFree(
  ctx: TeamContext,
  name: string,
  exceptId?: string,
): Promise<void> {
  const taken = await db.cluster.findFirst({
    where: { ...scoped(ctx), name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken) throw nameTaken(name);
}

/** Runs a write that may break the (team, name) unique index, turning that into ClusterError("name-taken"). */
export async function withUniqueName<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

type NewClusterColumns = Omit<Prisma.ClusterUncheckedCreateInput, "teamId" | "name" | "kind" | "createdById">;

/**
 * Creates a team's cluster row with its "cluster.create" audit event in one transaction, and
 * leaves it checked: with the probe the caller already made (a tested kubeconfig), or by
 * asking the new cluster now (a sandbox cluster only becomes reachable once its row exists).
 */
export async function saveCheckedCluster(
  ctx: TeamContext,
  input: {
    name: string;
    kind: Cluster["kind"];
    columns: NewClusterColumns;
    probe?: ClusterProbe;
    audit?: Record<string, Prisma.InputJsonValue | null>;
    /** Undoes what the caller made for this row (a virtual cluster) when the row does not land. */
    onRefused?: () => Promise<void>;
  },
): Promise<Cluster> {
  const row = await withUniqueName(input.name, async () => {
    try {
      return await db.$transaction(async (tx) => {
        const created = await tx.cluster.create({
          data: {
            teamId: ctx.team.id,
            name: input.name,
            kind: input.kind,
            createdById: ctx.user?.id ?? null,
            ...input.columns,
            ...(input.probe ? probeColumns(input.probe) : {}),
          },
        });
        await recordAudit(
          {
            action: "cluster.create",
            ...auditActor(ctx),
            targetType: "cluster",
            targetId: created.id,
            data: { name: created.name, kind: input.kind, ...input.audit },
          },
          tx,
        );
        return created;
      });
    } catch (err) {
      await input.onRefused?.().catch(() => undefined);
      throw err;
    }
  });
  if (input.probe) return row;
  await checkCluster(row);
  return (await db.cluster.findFirst({ where: { ...scoped(ctx), id: row.id } })) ?? row;
}
