import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { createAccount } from "@/lib/auth/create-account";
import { generateToken, hashToken } from "@/lib/crypto";
import { db } from "@/lib/db";
import { closeExperimentQueues } from "@/lib/experiments";
import { closeProducerConnection } from "@/lib/queue";
import { closeRunQueue } from "@/lib/runs";
import { createTestCluster, startTestSandbox, type Sandbox, type TestCluster } from "@/lib/runs/testing/harness";

// What the API's integration tests stand on: a sandbox cluster in a team, a member with a run
// token and a read token, an outsider's team with its own token, and the route handlers called
// as Next.js calls them.

export type Handler = (req: NextRequest, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** A live API token of the team with these scopes, made by this user. */
export async function apiToken(teamId: string, userId: string, scopes: string[]): Promise<string> {
  const t = generateToken("pst");
  await db.apiToken.create({ data: { teamId, name: "ci", prefix: t.slice(0, 8), tokenHash: hashToken(t), createdById: userId, scopes } });
  return t;
}

export interface ApiTestStack {
  sb: Sandbox;
  c: TestCluster;
  slug: string;
  /** The member's own personal team, where runToken and readToken are unknown. */
  otherSlug: string;
  runToken: string;
  readToken: string;
  /** A run token of otherSlug. */
  otherToken: string;
  /** Calls a route handler with a bearer token (the run token unless told); the answer's status and JSON. */
  call: (
    handler: Handler,
    params: Record<string, string>,
    opts?: { token?: string; method?: string; body?: unknown; query?: string },
  ) => Promise<{ status: number; body: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close: () => Promise<void>;
}

export async function startApiTestStack(userName: string): Promise<ApiTestStack> {
  const sb = await startTestSandbox();
  const c = await createTestCluster(sb);
  const slug = (await db.team.findUniqueOrThrow({ where: { id: c.teamId } })).slug;
  const email = `${randomUUID().slice(0, 8)}@example.test`;
  const { userId, teamSlug: otherSlug } = await createAccount({ name: userName, email, password: "correct horse battery" }, { ip: null, userAgent: null });
  await db.membership.create({ data: { teamId: c.teamId, userId, role: "MEMBER" } });
  const runToken = await apiToken(c.teamId, userId, ["run"]);
  const readToken = await apiToken(c.teamId, userId, ["read"]);
  const otherToken = await apiToken((await db.team.findUniqueOrThrow({ where: { slug: otherSlug } })).id, userId, ["run"]);
  const call: ApiTestStack["call"] = async (handler, params, opts = {}) => {
    const req = new NextRequest(`http://localhost/api/v1/x${opts.query ? `?${opts.query}` : ""}`, {
      method: opts.method ?? "GET",
      headers: { authorization: `Bearer ${opts.token ?? runToken}`, "content-type": "application/json" },
      body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
    });
    const res = await handler(req, { params: Promise.resolve(params) });
    return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  return { sb, c, slug, otherSlug, runToken, readToken, otherToken, call, close: () => closeApiTestStack(sb) };
}

/** Closes what an API test opened: the queues, the producer connection, the sandbox, the database. */
export async function closeApiTestStack(sb: Sandbox): Promise<void> {
  await closeRunQueue();
  await closeExperimentQueues();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
}
