import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { runnerImageSummary, setRunnerImage } from "./runner-image";
import { auditActions, contextOf, teamRuleRefusal, testTeam } from "./test-helpers";

// The team's fault runner image as the settings page keeps it: set, unchanged, back to the
// installation's, audited in the same transaction; a trial team keeps the installation's.

describe("the team's fault runner image", () => {
  it("is set, kept when unchanged and reset to the installation's, each change audited", async () => {
    const { slug, users: [owner] } = await testTeam("Ines");
    const ctx = await contextOf(owner, slug);
    expect(await runnerImageSummary(ctx)).toEqual({ image: null, installationDefault: "pystol-fault-runner:local", allowedRegistries: [] });

    expect(await setRunnerImage(ctx, "ghcr.io/acme/fault-runner:1.0")).toBe(true);
    expect((await runnerImageSummary(ctx)).image).toBe("ghcr.io/acme/fault-runner:1.0");
    expect(await setRunnerImage(ctx, "ghcr.io/acme/fault-runner:1.0")).toBe(false);
    expect(await setRunnerImage(ctx, null)).toBe(true);
    expect((await runnerImageSummary(ctx)).image).toBeNull();

    expect(await auditActions(slug)).toEqual(["team.runner-image.set", "team.runner-image.reset"]);
    const set = await db.auditEvent.findFirstOrThrow({ where: { teamId: ctx.team.id, action: "team.runner-image.set" } });
    expect(set.data).toMatchObject({ image: "ghcr.io/acme/fault-runner:1.0", before: "" });
  });

  it("a trial team cannot change it", async () => {
    const { slug, users: [owner] } = await testTeam("Tomas");
    await db.team.update({ where: { slug }, data: { isTrial: true } });
    const ctx = await contextOf(owner, slug);
    expect(await teamRuleRefusal(setRunnerImage(ctx, "ghcr.io/acme/fault-runner:1.0"))).toBe(
      "A trial uses the installation's fault runner image. Keep the trial as an account to choose your own.",
    );
    expect((await db.team.findUniqueOrThrow({ where: { slug } })).faultRunnerImage).toBeNull();
  });
});
