import pino, { type Logger } from "pino";

// Credentials must never reach a log line, whatever object a caller hands to the logger.
const REDACT = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "token",
  "*.token",
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "kubeconfig",
  "*.kubeconfig",
  "secret",
  "*.secret",
];

const root: Logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  redact: { paths: REDACT, censor: "[redacted]" },
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
});

/** A structured logger for one component (`web`, `worker`, `sandbox`, ...). */
export function createLogger(component: string): Logger {
  return root.child({ component });
}

export type { Logger };
