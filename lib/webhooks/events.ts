// What a team can be told about. Keys are stored on endpoints and deliveries; labels are what
// the settings page and the messages say.

export const WEBHOOK_EVENTS = ["execution.failed", "score.dropped", "execution.finished"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** The event of "Send test": delivered like the others, never subscribed to. */
export const TEST_EVENT = "webhook.test";
export type DeliveredEvent = WebhookEvent | typeof TEST_EVENT;

export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  "execution.failed": "A scheduled execution failed, was stopped or ended in error",
  "score.dropped": "An execution's score dropped against the experiment's previous execution",
  "execution.finished": "Every execution finished (manual and scheduled, any verdict)",
};

/** Verdicts of a scheduled execution that `execution.failed` reports. */
export const FAILED_VERDICTS = ["FAILED", "STOPPED", "ABORTED", "ERROR"] as const;

export const WEBHOOK_FORMATS = ["generic", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
