import { trialSettings } from "./settings";

/** Why a trial was refused (a trial's runs are refused by startRun with code "trial-limit"). */
export type TrialRefusal = "per-ip" | "no-address" | "active" | "sandbox-unavailable" | "error";

/** "42 minutes", "1 minute", "30 seconds": a wait, in words. */
export function waitInWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

/**
 * The visitor's message for a refusal. The landing page rebuilds it from the code (never from
 * text in the address, which anyone could write).
 */
export function trialRefusalMessage(code: TrialRefusal, retryAfterSeconds = 3600): string {
  const s = trialSettings();
  switch (code) {
    case "per-ip":
      return (
        `Your address has started ${s.TRIAL_PER_IP_PER_HOUR} trial${s.TRIAL_PER_IP_PER_HOUR === 1 ? "" : "s"} in the last hour, the most we allow. ` +
        `Try again in ${waitInWords(retryAfterSeconds)}, or create a free account.`
      );
    case "no-address":
      return "Trials are not available on this installation: it cannot tell visitors' addresses apart, which the trial limits need. Create a free account instead; the operator can fix this by starting the web app with server.mjs.";
    case "active":
      return `All ${s.TRIAL_MAX_ACTIVE} trial places are taken right now. Try again in a few minutes, or create a free account to start at once.`;
    case "sandbox-unavailable":
      return "Trials are not available right now: the sandbox cluster service is not running. Try again later, or create a free account.";
    case "error":
      return "The trial could not be started. Try again in a minute.";
  }
}

/** A trial refused by a limit; the message is meant for the visitor. */
export class TrialLimitError extends Error {
  constructor(
    readonly code: TrialRefusal,
    readonly retryAfterSeconds?: number,
  ) {
    super(trialRefusalMessage(code, retryAfterSeconds));
    this.name = "TrialLimitError";
  }
}
