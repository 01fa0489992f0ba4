/** Why a webhook change was refused, with one sentence per form field for `invalid`. */
export class WebhookError extends Error {
  constructor(
    readonly code: "invalid" | "not-found" | "trial",
    message: string,
    readonly errors: Record<string, string> = {},
  ) {
    super(message);
    this.name = "WebhookError";
  }
}
