"use server";

import { getSessionUser, revokeSessions } from "@/lib/auth";
import { requestMeta } from "@/lib/audit";

// Sign out everywhere: ends every session of the signed-in user, this one included.
export async function signOutEverywhereAction(): Promise<void> {
  const user = await getSessionUser();
  if (!user) return;
  await revokeSessions(user.id, await requestMeta());
}
