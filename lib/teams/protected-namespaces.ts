import { z } from "zod";
import { ALWAYS_PROTECTED } from "@/lib/actions";
import { auditActor, recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { scoped, type TeamContext } from "@/lib/tenancy";
import "@/lib/validation";

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The protected namespaces as a person types them: one per line (or separated by commas or
 * spaces), each a namespace name; kube-system is added whatever is typed.
 */
export const protectedNamespacesInput = z
  .string()
  .max(10_000, "The list is too long: at most 100 namespaces.")
  .transform((text) => [...new Set(text.split(/[\s,]+/).map((n) => n.trim()).filter(Boolean))])
  .pipe(
    z
      .array(z.string().max(63, "A namespace name has at most 63 characters.").regex(NAMESPACE, "Use namespace names: lower-case letters, digits and dashes, one per line."))
      .max(100, "Protect at most 100 namespaces."),
  )
  .transform((names) => [...ALWAYS_PROTECTED, ...names.filter((n) => !ALWAYS_PROTECTED.includes(n)).sort()]);

/** Sets the team's protected namespaces and audits the change (what was added and removed), in one transaction. */
export async function setProtectedNamespaces(ctx: TeamContext, names: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
  return db.$transaction(async (tx) => {
    const where = { id: scoped(ctx).teamId };
    const before = (await tx.team.findUniqueOrThrow({ where, select: { protectedNamespaces: true } })).protectedNamespaces;
    const added = names.filter((n) => !before.includes(n));
    const removed = before.filter((n) => !names.includes(n));
    await tx.team.update({ where, data: { protectedNamespaces: [...names] } });
    await recordAudit(
      { action: "team.protected-namespaces.changed", ...auditActor(ctx), targetType: "team", targetId: ctx.team.id, data: { added: added.join(","), removed: removed.join(","), now: names.join(",") } },
      tx,
    );
    return { added, removed };
  });
}
