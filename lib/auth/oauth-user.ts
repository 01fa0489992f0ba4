import { db } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { createTeam } from "@/lib/teams/create-team";

/**
 * Finds or creates the user behind an OAuth sign-in. Accounts are linked by email only when
 * the provider says the email is verified.
 */
export async function upsertOAuthUser(input: {
  provider: string;
  providerAccountId: string;
  email: string;
  emailVerified: boolean;
  name: string;
}) {
  const linked = await db.oAuthAccount.findUnique({
    where: {
      provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId },
    },
    include: { user: true },
  });
  if (linked) return linked.user;
  if (!input.emailVerified) return null;
  const email = input.email.toLowerCase();
  return db.$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email } });
    if (!user) {
      user = await tx.user.create({ data: { email, name: input.name.slice(0, 80) || email, emailVerifiedAt: new Date() } });
      await createTeam(tx, { name: `${user.name.split(" ")[0]}'s team`, userId: user.id, personal: true });
      await recordAudit(
        { action: "account.created", actorUserId: user.id, data: { provider: input.provider } },
        tx,
      );
    }
    else if (!user.emailVerifiedAt) {
      // A password account nobody confirmed: the provider has now proved who reads this
      // mailbox. The unproven password goes, so whoever chose it cannot get in beside them.
      user = await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: new Date(), passwordHash: null } });
    }
    await tx.oAuthAccount.create({
      data: { userId: user.id, provider: input.provider, providerAccountId: input.providerAccountId },
    });
    return user;
  });
}
