import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeProducerConnection } from "@/lib/queue/connection";
import type { TeamContext } from "@/lib/tenancy";
import { CONNECTION_TESTS_PER_TEAM, CONNECTION_TESTS_PER_USER, limitConnectionTests } from ".";

// The limit on "Test connection", counted in the real Redis. Ids are new for each run, so the
// windows of earlier runs do not count.
const team = () => ({ id: randomUUID(), slug: "t", name: "t", personal: false, isTrial: false });
const person = (t: TeamContext["team"]): TeamContext => ({ team: t, role: "ADMIN", user: { id: randomUUID(), email: "a@example.test", name: "A" }, tokenId: null });

async function refusal(ctx: TeamContext): Promise<unknown> {
  return limitConnectionTests(ctx).then(() => null, (e: unknown) => e);
}

afterAll(() => closeProducerConnection());

describe("connection test limit", () => {
  it("allows a person their tests in a window, then says how long to wait; others in the team go on", async () => {
    const t = team();
    const alice = person(t);
    for (let i = 0; i < CONNECTION_TESTS_PER_USER.max; i++) await limitConnectionTests(alice);
    const err = await refusal(alice);
    expect(err).toMatchObject({ code: "rate-limited" });
    expect((err as Error).message).toMatch(/^Too many connection test attempts\. Try again in \d+ seconds?\.$/);
    await expect(limitConnectionTests(person(t))).resolves.toBeUndefined();
  });

  it("bounds the team as a whole, whoever asks, and leaves other teams alone", async () => {
    const t = team();
    const perPerson = CONNECTION_TESTS_PER_USER.max;
    for (let done = 0; done < CONNECTION_TESTS_PER_TEAM.max; ) {
      const someone = person(t);
      for (let i = 0; i < perPerson && done < CONNECTION_TESTS_PER_TEAM.max; i++, done++) await limitConnectionTests(someone);
    }
    expect(await refusal(person(t))).toMatchObject({ code: "rate-limited" });
    const token: TeamContext = { team: t, role: "ADMIN", user: null, tokenId: randomUUID() };
    expect(await refusal(token)).toMatchObject({ code: "rate-limited" });
    await expect(limitConnectionTests(person(team()))).resolves.toBeUndefined();
  });
});
