import { generateToken, hashToken, isTokenOf } from "@/lib/crypto";
import { db, type AccountToken, type AccountTokenPurpose, type Prisma } from "@/lib/db";
import { appOrigin } from "./callback-url";

// A reset link is an open door to the account: short-lived. A confirmation link only proves
// an address, and people read sign-up mail later: a day.
export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  PASSWORD_RESET: 60 * 60_000,
  EMAIL_VERIFICATION: 24 * 3600_000,
};

const PREFIX: Record<AccountTokenPurpose, string> = { PASSWORD_RESET: "rst", EMAIL_VERIFICATION: "vfy" };
const PAGE: Record<AccountTokenPurpose, string> = { PASSWORD_RESET: "reset-password", EMAIL_VERIFICATION: "verify-email" };

type Tx = Pick<Prisma.TransactionClient, "accountToken">;

/**
 * Makes a new single-use link for `purpose` and returns its address; only the token's hash is
 * stored. Earlier unused links of the same purpose stop working: the newest mail is the one
 * that counts.
 */
export async function issueAccountToken(
  input: { userId: string; purpose: AccountTokenPurpose; email: string; data?: Prisma.InputJsonValue },
  tx: Tx = db,
  now = new Date(),
): Promise<string> {
  const token = generateToken(PREFIX[input.purpose]);
  await tx.accountToken.deleteMany({ where: { userId: input.userId, purpose: input.purpose, usedAt: null } });
  await tx.accountToken.create({
    data: {
      userId: input.userId,
      purpose: input.purpose,
      email: input.email,
      data: input.data,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[input.purpose]),
    },
  });
  return `${appOrigin()}/${PAGE[input.purpose]}/${token}`;
}

/** The unused, unexpired token behind a link, without using it (to render its page); null otherwise. */
export async function findAccountToken(token: string, purpose: AccountTokenPurpose, now = new Date()): Promise<AccountToken | null> {
  if (!isTokenOf(PREFIX[purpose], token)) return null;
  return db.accountToken.findFirst({
    where: { tokenHash: hashToken(token), purpose, usedAt: null, expiresAt: { gt: now } },
  });
}

/**
 * Uses a token: marks it used in the same statement that checks it is unused and unexpired, so
 * two requests with one link cannot both succeed. Returns the token's row, or null.
 */
export async function consumeAccountToken(
  token: string,
  purpose: AccountTokenPurpose,
  tx: Pick<Prisma.TransactionClient, "accountToken"> = db,
  now = new Date(),
): Promise<AccountToken | null> {
  if (!isTokenOf(PREFIX[purpose], token)) return null;
  const tokenHash = hashToken(token);
  const { count } = await tx.accountToken.updateMany({
    where: { tokenHash, purpose, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  return count === 1 ? tx.accountToken.findUnique({ where: { tokenHash } }) : null;
}
