import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { startMailSink } from "./testing/mail-sink";

delete process.env.SMTP_URL;
const { mailConfigured, sendMail } = await import("./index");

function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

const mail = {
  to: "ada@example.test",
  subject: "Choose a new Pystol password",
  text: "Open this link:\n\nhttp://localhost:3000/reset-password/rst_x\n",
  link: "http://localhost:3000/reset-password/rst_x",
  purpose: "password-reset" as const,
};

describe("mail without a mail server", () => {
  it("is not configured, and writes the link to the log at warn level with a sentence for the operator", async () => {
    expect(mailConfigured()).toBe(false);
    const { logger, lines } = memoryLogger();
    expect(await sendMail(mail, logger)).toBe("logged");
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      to: "ada@example.test",
      purpose: "password-reset",
      link: mail.link,
      msg: "No mail server is configured (SMTP_URL is unset): pass this link to the person it is for",
    });
  });
});

describe("mail settings", () => {
  it("accepts smtp:// and smtps:// addresses, and an empty SMTP_URL means none", () => {
    expect(parseEnv({ SMTP_URL: "smtp://user:pw@mail.example.com:587" }).SMTP_URL).toBe("smtp://user:pw@mail.example.com:587");
    expect(parseEnv({ SMTP_URL: "smtps://mail.example.com" }).SMTP_URL).toBe("smtps://mail.example.com");
    expect(parseEnv({ SMTP_URL: "" }).SMTP_URL).toBeUndefined();
    expect(parseEnv({}).MAIL_FROM).toBe("Pystol <no-reply@localhost>");
    expect(parseEnv({ MAIL_FROM: "ops@example.com" }).MAIL_FROM).toBe("ops@example.com");
  });

  it("refuses a wrong value at start-up, naming the variable and never echoing its value", () => {
    expect(() => parseEnv({ SMTP_URL: "http://secret-pw@mail.example.com" })).toThrow(
      /SMTP_URL: must start with smtp:\/\/ or smtps:\/\//,
    );
    expect(() => parseEnv({ SMTP_URL: "not a url" })).toThrow(/SMTP_URL: must be a URL/);
    expect(() => parseEnv({ SMTP_URL: "http://secret-pw@mail.example.com" })).not.toThrow(/secret-pw/);
    expect(() => parseEnv({ MAIL_FROM: "nobody" })).toThrow(/MAIL_FROM: must be an address/);
  });
});

describe("mail through a mail server", () => {
  const sinkReady = startMailSink();
  afterAll(async () => (await sinkReady).close());

  it("sends through SMTP with the configured sender, and logs no link", async () => {
    const sink = await sinkReady;
    const { logger, lines } = memoryLogger();
    // A second module instance with its own settings: the mailer reads SMTP_URL from lib/env.
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    const { vi } = await import("vitest");
    vi.resetModules();
    const fresh = await import("./index");
    expect(fresh.mailConfigured()).toBe(true);
    expect(await fresh.sendMail(mail, logger)).toBe("sent");
    const [received] = sink.to("ada@example.test");
    expect(received).toMatchObject({ subject: mail.subject, links: [mail.link] });
    expect(lines).toEqual([]);
    delete process.env.SMTP_URL;
  });
});
