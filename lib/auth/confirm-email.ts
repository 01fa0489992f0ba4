import { db, type AccountToken } from "@/lib/db";
import { recordAudit, type RequestMeta } from "@/lib/audit";
import { consumeAccountToken } from "./account-tokens";
import { sameSitePath } from "./callback-url";

export type Confirmation =
  | { kind: "account"; userId: string; email: string; next: string | null }
  /** A guest's "keep this trial": lib/trials finishes it with the token's data. */
  | { kind: "keep-trial"; token: AccountToken }
  | { kind: "invalid" };

/**
 * Uses a confirmation link. An ordinary sign-up's address counts as confirmed from now on (if
 * the account still has the address the link was sent to); a trial to keep is handed back.
 */
export async function confirmEmail(token: string, meta: RequestMeta): Promise<Confirmation> {
  return db.$transaction(async (tx) => {
    const row = await consumeAccountToken(token, "EMAIL_VERIFICATION", tx);
    if (!row) return { kind: "invalid" } as const;
    const data = (row.data ?? {}) as { keepTrial?: unknown; next?: unknown };
    if (data.keepTrial) return { kind: "keep-trial", token: row } as const;
    const { count } = await tx.user.updateMany({
      where: { id: row.userId, email: row.email },
      data: { emailVerifiedAt: new Date() },
    });
    if (count === 0) return { kind: "invalid" } as const;
    await recordAudit(
      { action: "account.email_confirmed", actorUserId: row.userId, targetType: "user", targetId: row.userId, meta },
      tx,
    );
    return { kind: "account", userId: row.userId, email: row.email, next: sameSitePath(data.next) } as const;
  });
}
