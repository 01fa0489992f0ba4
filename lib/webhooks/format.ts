import type { DeliveredEvent, WebhookFormat } from "./events";

// The bodies sent: a generic JSON document (stable field names, for programs) or a Slack
// incoming-webhook message (text plus blocks, for people). Both are signed the same way.

export interface ExecutionFacts {
  id: string;
  experiment: { id: string; name: string };
  verdict: string;
  reason: string | null;
  score: number | null;
  previousScore: number | null;
  scheduled: boolean;
  finishedAt: string | null;
  url: string;
}

export interface WebhookMessage {
  /** The delivery id: the same on every attempt, so receivers can drop a repeat. */
  id: string;
  event: DeliveredEvent;
  createdAt: string;
  team: { slug: string; name: string };
  execution?: ExecutionFacts;
}

const verdictWord = (v: string) => v.toLowerCase().replace("_", " ");

/** One sentence saying what happened, shared by both formats. */
export function headline(m: WebhookMessage): string {
  const e = m.execution;
  if (!e) return `Test notification from Pystol for team ${m.team.name}: this endpoint is set up.`;
  const what = `${e.scheduled ? "Scheduled execution" : "Execution"} of “${e.experiment.name}”`;
  const score = e.score === null ? "" : ` (score ${e.score}${e.previousScore !== null ? `, previously ${e.previousScore}` : ""})`;
  if (m.event === "score.dropped") return `${what}: the score dropped from ${e.previousScore} to ${e.score}.`;
  return `${what} ended ${verdictWord(e.verdict)}${score}.`;
}

/** Slack's mrkdwn needs &, < and > escaped; everything else is literal. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export function slackBody(m: WebhookMessage): Record<string, unknown> {
  const text = headline(m);
  const e = m.execution;
  const blocks: Record<string, unknown>[] = [{ type: "section", text: { type: "mrkdwn", text: slackEscape(text) } }];
  if (e) {
    if (e.reason) blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Why:* ${slackEscape(e.reason)}` } });
    blocks.push({
      type: "context",
      elements: [
        { type: "mrkdwn", text: `Team *${slackEscape(m.team.name)}* · verdict *${verdictWord(e.verdict)}*${e.score !== null ? ` · score *${e.score}*` : ""} · <${e.url}|Open the execution>` },
      ],
    });
  }
  return { text, blocks };
}

/** The JSON text sent for a message in an endpoint's format. */
export function renderBody(m: WebhookMessage, format: WebhookFormat): string {
  return JSON.stringify(format === "slack" ? slackBody(m) : m);
}
