// Outgoing mail: one transport for every message the service sends (password resets,
// address confirmations, "someone used your address"). Configured by SMTP_URL and MAIL_FROM;
// without SMTP_URL there is no mail server, and each message's link is written to the log at
// warn level for the operator to pass on. That log line is the one place a secret link is
// logged, on purpose, and only when no mail server is configured.
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";
import { createLogger, type Logger } from "@/lib/log";

const log = createLogger("mail");

export type MailPurpose = "password-reset" | "email-verification" | "account-exists";

export interface Mail {
  to: string;
  subject: string;
  /** Plain text; the link appears in it on a line of its own. */
  text: string;
  /** The link the message exists for; logged for the operator when no mail server is configured. */
  link: string;
  purpose: MailPurpose;
}

/** "sent": handed to the mail server; "logged": no mail server, the link is in the log; "failed": the server refused. */
export type Delivery = "sent" | "logged" | "failed";

let transport: { url: string; transporter: Transporter } | undefined;

function transporter(url: string): Transporter {
  if (transport?.url !== url) transport = { url, transporter: nodemailer.createTransport(url) };
  return transport.transporter;
}

/** Whether a mail server is configured; pages say plainly when it is not. */
export function mailConfigured(): boolean {
  return env().SMTP_URL !== undefined;
}

/** Sends one message, or logs its link when no mail server is configured. Never throws. */
export async function sendMail(mail: Mail, logger: Logger = log): Promise<Delivery> {
  const { SMTP_URL, MAIL_FROM } = env();
  if (!SMTP_URL) {
    logger.warn(
      { to: mail.to, purpose: mail.purpose, link: mail.link },
      "No mail server is configured (SMTP_URL is unset): pass this link to the person it is for",
    );
    return "logged";
  }
  try {
    await transporter(SMTP_URL).sendMail({ from: MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text });
    return "sent";
  } catch (err) {
    // The link is not logged here: a mail server is configured, so the log is not its channel.
    logger.error({ to: mail.to, purpose: mail.purpose, err: (err as Error).message }, "The mail server refused a message");
    return "failed";
  }
}

const inFlight = new Set<Promise<Delivery>>();

/**
 * Starts sending without waiting for the mail server, so a request that mails answers as fast
 * as one that does not (the answer time must not tell whether an address has an account).
 */
export function dispatchMail(mail: Mail): void {
  const p = sendMail(mail);
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
}

/** Waits for every message dispatched so far (shutdown, tests). */
export async function settleMail(): Promise<Delivery[]> {
  return Promise.all([...inFlight]);
}
