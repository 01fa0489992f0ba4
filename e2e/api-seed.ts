import { createHash, randomBytes } from "node:crypto";
import pg from "pg";
import { SandboxAdminClient, type CreatedCluster } from "../lib/sandbox/admin-client";
import { E2E_DATABASE_URL, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

// What the API and CLI tests need before the pages that make them exist in every checkout: a
// sandbox cluster of the team (a real virtual cluster in the stack's sandbox) and an API token,
// written straight into the stack's database the way the app writes them.

const newId = () => `c${randomBytes(12).toString("hex")}`;

async function withDb<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Adds a demo sandbox cluster to the team; returns the virtual cluster (its kubeconfig too). */
export async function seedSandboxCluster(slug: string, name: string): Promise<CreatedCluster> {
  const created = await new SandboxAdminClient(E2E_SANDBOX_ADMIN_URL, E2E_SANDBOX_ADMIN_TOKEN).createCluster({ seed: "demo" });
  await withDb((c) =>
    c.query(
      `INSERT INTO "Cluster" (id, "teamId", name, kind, "sandboxClusterId", "serverHost", status, "createdAt", "updatedAt")
       SELECT $1, id, $2, 'SANDBOX', $3, 'sandbox', 'CONNECTED', now(), now() FROM "Team" WHERE slug = $4`,
      [newId(), name, created.id, slug],
    ),
  );
  return created;
}

/** Creates an API token of the team for the user with this e-mail; returns the token. */
export async function seedApiToken(slug: string, email: string, scopes: string[]): Promise<string> {
  const token = `pst_${randomBytes(32).toString("base64url")}`;
  const hash = createHash("sha256").update(token).digest("hex");
  await withDb((c) =>
    c.query(
      `INSERT INTO "ApiToken" (id, "teamId", name, prefix, "tokenHash", scopes, "createdById", "createdAt")
       SELECT $1, t.id, 'ci', $2, $3, $4, u.id, now() FROM "Team" t, "User" u WHERE t.slug = $5 AND u.email = $6`,
      [newId(), token.slice(0, 8), hash, scopes, slug, email],
    ),
  );
  return token;
}

/** Moves a share link's expiry into the past. */
export async function expireShareLink(linkId: string): Promise<void> {
  await withDb((c) => c.query(`UPDATE "ShareLink" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [linkId]));
}
