// What browser tests put in place without clicking through it, all of it here: a sandbox
// cluster of the team (through the one-click button, the real path), API tokens, roles, and
// direct reads and writes of the stack's database. Pages that create these things are tested
// through the UI in their own specs.
import { randomBytes, randomUUID } from "node:crypto";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { expect, type Page } from "@playwright/test";
import pg from "pg";
import { generateToken, hashToken } from "@/lib/crypto";
import { SandboxAdminClient } from "../lib/sandbox/admin-client";
import { alertBox } from "./helpers";
import { E2E_DATABASE_URL, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

/** One query against the stack's database, on a connection of its own. */
export async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The stack's sandbox, as its operator: virtual clusters made and inspected directly. */
export const sandboxAdmin = () => new SandboxAdminClient(E2E_SANDBOX_ADMIN_URL, E2E_SANDBOX_ADMIN_TOKEN);

/** Direct clients of a virtual cluster, for reading and changing it as an outsider would. */
export function kubeClients(kubeconfig: string) {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    server: kc.getCurrentCluster()!.server,
    token: kc.getCurrentUser()!.token!,
  };
}

/**
 * Adds a sandbox cluster with the demo application to the team the page's user owns, with the
 * "Add a sandbox cluster" button (named "sandbox", then "sandbox-2", …), and waits until it is
 * connected. Returns its row's id, its kubeconfig and direct clients of it.
 */
export async function addSandboxCluster(page: Page, slug: string) {
  await page.goto(`/t/${slug}/clusters`);
  await page.getByRole("button", { name: "Add a sandbox cluster" }).first().click();
  await expect(alertBox(page)).toContainText(/Sandbox cluster "[^"]+" is ready/, { timeout: 60_000 });
  const [row] = await sql<{ id: string; name: string; sandboxClusterId: string }>(
    `SELECT c.id, c.name, c."sandboxClusterId" FROM "Cluster" c JOIN "Team" t ON t.id = c."teamId"
     WHERE t.slug = $1 AND c.kind = 'SANDBOX' ORDER BY c."createdAt" DESC LIMIT 1`,
    [slug],
  );
  const kubeconfig = await sandboxAdmin().getKubeconfig(row!.sandboxClusterId);
  return { clusterId: row!.id, name: row!.name, sandboxClusterId: row!.sandboxClusterId, kubeconfig, ...kubeClients(kubeconfig) };
}

/** A live API token of the team, created by the user with this e-mail; returns the token. */
export async function createApiToken(slug: string, email: string, scopes: string[]): Promise<string> {
  const token = generateToken("pst");
  await sql(
    `INSERT INTO "ApiToken" (id, "teamId", name, prefix, "tokenHash", scopes, "createdById", "createdAt")
     SELECT $1, t.id, 'e2e', $2, $3, $4, u.id, now() FROM "Team" t, "User" u WHERE t.slug = $5 AND u.email = $6`,
    [`c${randomBytes(12).toString("hex")}`, token.slice(0, 12), hashToken(token), scopes, slug, email],
  );
  return token;
}

export type TeamRole = "OWNER" | "ADMIN" | "MEMBER" | "VIEWER";

/** Gives the user with this e-mail a role in the team (adding them if needed), without an invitation. */
export async function setRole(slug: string, email: string, role: TeamRole): Promise<void> {
  await sql(
    `INSERT INTO "Membership" (id, "teamId", "userId", role, "createdAt", "updatedAt")
     SELECT $1, t.id, u.id, $4::"Role", now(), now() FROM "Team" t, "User" u WHERE t.slug = $2 AND u.email = $3
     ON CONFLICT ("teamId", "userId") DO UPDATE SET role = EXCLUDED.role, "updatedAt" = now()`,
    [randomUUID(), slug, email, role],
  );
}

/** How many rows of a team-owned table belong to the team (to show that nothing changed). */
export async function countFor(table: "Invite" | "ApiToken" | "Membership", slug: string): Promise<number> {
  const rows = await sql<{ n: string }>(
    `SELECT count(*)::text AS n FROM "${table}" x JOIN "Team" t ON t.id = x."teamId" WHERE t.slug = $1`,
    [slug],
  );
  return Number(rows[0]!.n);
}

/** Moves a share link's expiry into the past. */
export async function expireShareLink(linkId: string): Promise<void> {
  await sql(`UPDATE "ShareLink" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [linkId]);
}
