import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailSink } from "@/lib/mail/testing/mail-sink";

// "Keep this trial" through the real mail transport (a local SMTP server) and a sandbox server.
const sink = await startMailSink();
process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue");
const { settleMail } = await import("@/lib/mail");
const { confirmEmail, createAccount, verifyPassword } = await import("@/lib/auth");
const { closeRunQueue } = await import("@/lib/runs");
const { startTestSandbox } = await import("@/lib/runs/testing/harness");
const { finishKeepTrial, requestKeepTrial, startTrial } = await import("./index");

let sb: Awaited<ReturnType<typeof startTestSandbox>>;
const meta = () => ({ ip: `198.51.100.${randomBytes(1)[0]}-${randomBytes(4).toString("hex")}`, userAgent: "vitest" });
const input = (email = `${randomBytes(5).toString("hex")}@example.test`) => ({ name: "Grace Hopper", email, password: "a long enough password" });

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await settleMail();
  await sink.close();
  await closeRunQueue();
  await closeProducerConnection();
  await sb.server.close();
  await db.$disconnect();
});

describe("keeping a trial", () => {
  it("mails a confirmation link and keeps the trial only once it is opened", async () => {
    const trial = await startTrial(meta());
    const wanted = input();
    expect(await requestKeepTrial(trial.userId, wanted, meta())).toBe("mail");
    await settleMail();
    const [mail] = sink.to(wanted.email);
    expect(mail!.subject).toBe("Confirm your email address to keep your Pystol trial");
    // Nothing changed yet.
    expect(await db.user.findUniqueOrThrow({ where: { id: trial.userId } })).toMatchObject({ isGuest: true, passwordHash: null });

    const token = new URL(mail!.links[0]!).pathname.split("/").at(-1)!;
    const confirmed = await confirmEmail(token, meta());
    expect(confirmed.kind).toBe("keep-trial");
    if (confirmed.kind !== "keep-trial") return;
    expect(await finishKeepTrial(confirmed.token)).toEqual({ teamSlug: trial.teamSlug });
    const user = await db.user.findUniqueOrThrow({ where: { id: trial.userId } });
    expect(user).toMatchObject({ email: wanted.email, isGuest: false, sessionVersion: 0 });
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(await verifyPassword(user.passwordHash!, wanted.password)).toBe(true);
    expect(await db.team.findUniqueOrThrow({ where: { slug: trial.teamSlug } })).toMatchObject({ isTrial: false });
    expect(await confirmEmail(token, meta())).toEqual({ kind: "invalid" });
  });

  it("answers the same for an address that has an account: its owner gets a mail, the trial stays a trial", async () => {
    const owner = input();
    await createAccount(owner, meta(), { emailVerified: true });
    const trial = await startTrial(meta());
    expect(await requestKeepTrial(trial.userId, { ...input(owner.email), password: "a different long passphrase" }, meta())).toBe("mail");
    await settleMail();
    const mails = sink.to(owner.email);
    expect(mails.map((m) => m.subject)).toEqual(["Someone tried to create a Pystol account with your address"]);
    expect(mails[0]!.links.some((l) => l.includes("/verify-email/"))).toBe(false);
    expect(await db.user.findUniqueOrThrow({ where: { id: trial.userId } })).toMatchObject({ isGuest: true, passwordHash: null });
    expect(await db.accountToken.count({ where: { userId: trial.userId } })).toBe(0);
  });
});
