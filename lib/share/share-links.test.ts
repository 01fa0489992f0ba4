import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/crypto";
import type { TeamContext } from "@/lib/tenancy";
import { sharingAccount } from "./testing/accounts";
import { createShareLink, getSharedRun, listShareLinks, redactText, revokeShareLink, ShareLinkError } from "./index";

// Share links against the real database: the token is shown once and only its hash stored,
// the public view works signed out, redacts what is secret, and stops at revocation or expiry.

let ctx: TeamContext, outsider: TeamContext, runId: string, email: string;
const SERVER = "api.k8s.internal.example.com:6443";

beforeAll(async () => {
  const a = await sharingAccount("Sharer");
  ctx = a.ctx;
  email = a.email;
  outsider = (await sharingAccount("Outsider")).ctx;
  const cluster = await db.cluster.create({
    data: { teamId: ctx.team.id, name: "prod", kind: "KUBECONFIG", serverHost: SERVER, kubeconfigCiphertext: Buffer.from("sealed"), status: "CONNECTED" },
  });
  const run = await db.run.create({
    data: {
      teamId: ctx.team.id,
      clusterId: cluster.id,
      actionId: "pod-kill",
      params: { namespace: "shop", labelSelector: "app=cart", count: 1 },
      plan: { summary: "delete 1 of 2 pods matching app=cart in shop", targets: [{ kind: "Pod", namespace: "shop", name: "cart-abc" }] },
      state: "SUCCEEDED",
      progress: 100,
      result: { killed: 1, note: `reached https://${SERVER}/api/v1` },
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  runId = run.id;
  await db.runStep.create({
    data: { runId, teamId: ctx.team.id, index: 0, name: "round 1: delete pod cart-abc", state: "SUCCEEDED", target: { kind: "Pod", namespace: "shop", name: "cart-abc" } },
  });
  await db.runLog.createMany({
    data: [
      { runId, teamId: ctx.team.id, message: "deleted pod shop/cart-abc" },
      { runId, teamId: ctx.team.id, level: "warn", message: `GET https://${SERVER}/api/v1/pods from 10.1.2.3:6443 by ${email} with Bearer abc.def-ghi` },
    ],
  });
});

afterAll(() => db.$disconnect());

describe("share links", () => {
  it("returns a long random token once and stores only its hash", async () => {
    const { link, token } = await createShareLink(ctx, runId, "7d");
    expect(token).toMatch(/^shr_[A-Za-z0-9_-]{43}$/); // 256 bits
    const row = await db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    const days = (row.expiresAt!.getTime() - row.createdAt.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    const audit = await db.auditEvent.findFirst({ where: { teamId: ctx.team.id, action: "share_link.created", targetId: runId } });
    expect(audit?.actorUserId).toBe(ctx.user!.id);
  });

  it("opens the run for anyone with the token, without anything secret", async () => {
    const { token } = await createShareLink(ctx, runId, "never");
    const shared = await getSharedRun(token);
    expect(shared).toMatchObject({ state: "SUCCEEDED", action: { id: "pod-kill", title: "Kill pods" }, targets: [{ name: "cart-abc" }], expiresAt: null });
    expect(shared!.steps).toHaveLength(1);
    expect(shared!.logs.map((l) => l.message)[0]).toBe("deleted pod shop/cart-abc");
    const text = JSON.stringify(shared);
    for (const secret of [SERVER, "k8s.internal", "10.1.2.3", email, "abc.def-ghi", token]) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
    const row = await db.shareLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
    expect(row.viewCount).toBe(1);
  });

  it("answers nothing for a revoked, expired, malformed or unknown token", async () => {
    const { link, token } = await createShareLink(ctx, runId, "1d");
    expect(await getSharedRun(token)).not.toBeNull();
    await revokeShareLink(ctx, link.id);
    expect(await getSharedRun(token)).toBeNull();
    expect(await db.auditEvent.count({ where: { teamId: ctx.team.id, action: "share_link.revoked" } })).toBe(1);

    const expired = await createShareLink(ctx, runId, "1d");
    await db.shareLink.update({ where: { id: expired.link.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await getSharedRun(expired.token)).toBeNull();

    expect(await getSharedRun("shr_short")).toBeNull();
    expect(await getSharedRun(`shr_${"A".repeat(43)}`)).toBeNull();
    expect(await getSharedRun(token.replace("shr_", "pst_"))).toBeNull();
  });

  it("keeps another team out: no link on its runs, no revoking its links", async () => {
    await expect(createShareLink(outsider, runId, "7d")).rejects.toBeInstanceOf(ShareLinkError);
    const { link, token } = await createShareLink(ctx, runId, "30d");
    await expect(revokeShareLink(outsider, link.id)).rejects.toBeInstanceOf(ShareLinkError);
    expect(await getSharedRun(token)).not.toBeNull();
    expect(await listShareLinks(outsider, runId)).toEqual([]);
    const mine = await listShareLinks(ctx, runId);
    expect(mine.find((l) => l.id === link.id)).toMatchObject({ live: true, revokedAt: null });
  });
});

describe("redactText", () => {
  it("removes addresses, e-mails, tokens and key material, and leaves ordinary text", () => {
    expect(redactText("deleted pod shop/cart-7d9f-x2 at 12:30:45")).toBe("deleted pod shop/cart-7d9f-x2 at 12:30:45");
    expect(redactText("dial tcp 192.168.1.10:6443: refused")).toBe("dial tcp [redacted]: refused");
    expect(redactText("https://k8s.example.com/api")).toBe("[redacted]");
    expect(redactText("api.example.com:443 down")).toBe("[redacted] down");
    expect(redactText("by a@b.example")).toBe("by [redacted]");
    expect(redactText(`token pst_${"x".repeat(43)}`)).toBe("token [redacted]");
    expect(redactText("[fd00::1]:6443")).toBe("[redacted]");
    expect(redactText(`LS0t${"A".repeat(120)}`)).toBe("[redacted]");
    expect(redactText("my-cluster on prod", ["prod"])).toBe("my-cluster on [redacted]");
  });
});
