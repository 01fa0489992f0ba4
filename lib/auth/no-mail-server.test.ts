import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

// Without SMTP_URL the account pages say that no mail was sent and the link is in the log
// (lib/mail/mail.test.ts checks the log line itself).
delete process.env.SMTP_URL;
const { db } = await import("@/lib/db");
const { closeProducerConnection } = await import("@/lib/queue/connection");
const { settleMail } = await import("@/lib/mail");
const { registerAccount } = await import("./register-account");
const { requestPasswordReset } = await import("./password-reset");

const meta = () => ({ ip: `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 6)}`, userAgent: "vitest" });

describe("with no mail server configured", () => {
  afterAll(async () => {
    await settleMail();
    await closeProducerConnection();
    await db.$disconnect();
  });

  it("sign-up and a reset request answer that the link went to the operator's log, for any address", async () => {
    const email = `${randomUUID().slice(0, 12)}@example.test`;
    expect(await registerAccount({ name: "Offline Olga", email, password: "lantern orchard velvet" }, meta())).toBe("log");
    expect(await registerAccount({ name: "Offline Olga", email, password: "lantern orchard velvet" }, meta())).toBe("log");
    expect(await requestPasswordReset(email, meta())).toEqual({ ok: true, delivery: "log" });
    expect(await requestPasswordReset(`${randomUUID()}@example.test`, meta())).toEqual({ ok: true, delivery: "log" });
  });
});
