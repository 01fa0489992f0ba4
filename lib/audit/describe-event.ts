// How the audit log reads to people: each recorded action as a short sentence, and its data
// as labelled values. Ids stay in the database (they mean nothing on the page); the keys
// people would not understand get names. An action this table does not know yet is shown
// as recorded rather than hidden.

const ACTIONS: Record<string, string> = {
  "account.created": "Created an account",
  "account.email_confirmed": "Confirmed their e-mail address",
  "account.signup_existing_email": "Tried to sign up with an address that has an account",
  "account.signup_repeated": "Signed up again before confirming",
  "api_token.created": "Created an API token",
  "api_token.revoked": "Revoked an API token",
  "auth.password_reset": "Reset their password",
  "auth.password_reset_requested": "Asked for a password reset",
  "auth.sessions_revoked": "Signed out everywhere",
  "auth.signin": "Signed in",
  "auth.signin_failed": "Failed to sign in",
  "auth.signout": "Signed out",
  "cluster.check": "Checked a cluster's connection",
  "cluster.create": "Connected a cluster",
  "cluster.credentials.replace": "Replaced a cluster's kubeconfig",
  "cluster.delete": "Removed a cluster",
  "cluster.rename": "Renamed a cluster",
  "experiment.created": "Created an experiment",
  "experiment.deleted": "Deleted an experiment",
  "experiment.updated": "Saved a new version of an experiment",
  "experiment.executed": "Ran an experiment",
  "experiment.execution-aborted": "Aborted an experiment",
  "experiment.run": "Ran an experiment",
  "experiment.aborted": "Aborted an experiment",
  "execution.started": "Ran an experiment",
  "execution.aborted": "Aborted an experiment",
  "invite.created": "Invited someone",
  "invite.revoked": "Revoked an invitation",
  "member.grants_revoked": "Revoked a member's invitations and tokens",
  "member.joined": "Joined the team",
  "member.left": "Left the team",
  "member.removed": "Removed a member",
  "member.role_changed": "Changed a member's role",
  "run.abort_requested": "Aborted a run",
  "run.dry_run": "Planned a run (dry run)",
  "run.refused": "Was refused a run",
  "run.started": "Started a run",
  "run.state_changed": "A run changed state",
  "runs.halted": "Halted all runs",
  "schedule.created": "Created a schedule",
  "schedule.deleted": "Deleted a schedule",
  "schedule.fired": "A schedule started its experiment or run",
  "schedule.paused": "Paused a schedule",
  "schedule.resumed": "Resumed a schedule",
  "schedule.skipped": "A schedule skipped a due time",
  "schedule.updated": "Changed a schedule",
  "share_link.created": "Shared a result by link",
  "share_link.revoked": "Revoked a share link",
  "team.created": "Created the team",
  "team.ownership_transferred": "Transferred ownership of the team",
  "team.protected-namespaces.changed": "Changed the protected namespaces",
  "team.prometheus.set": "Connected the team's Prometheus",
  "team.prometheus.replaced": "Replaced the team's Prometheus connection",
  "team.prometheus.removed": "Removed the team's Prometheus connection",
  "team.runner-image.set": "Chose the team's fault runner image",
  "team.runner-image.reset": "Set the team's fault runner image back to the installation's",
  "team.renamed": "Renamed the team",
  "trial.converted": "Kept their trial as an account",
  "trial.expired": "Trial expired",
  "trial.keep_existing_email": "Tried to keep a trial with an address that has an account",
  "trial.started": "Started a trial",
  "webhook.created": "Added a webhook endpoint",
  "webhook.deleted": "Deleted a webhook endpoint",
  "webhook.secret_rotated": "Rotated the team's webhook signing secret",
  "webhook.test_sent": "Sent a test webhook",
  "webhook.updated": "Changed a webhook endpoint",
};

const LABELS: Record<string, string> = {
  actionId: "action",
  stateBefore: "state before",
  expiredAt: "expired",
  cancelled: "cancelled",
  aborting: "aborting",
  now: "now protected",
  scoreDropPoints: "score drop (points)",
};

// Keys whose values are ids or internal details: kept in the database, not shown.
const HIDDEN = /(^|[a-z])Id$|^id$|^tokenHash$|^slowed$/;

/** The sentence for a recorded action ("Started a run"). */
export function describeAuditAction(action: string): string {
  return ACTIONS[action] ?? action;
}

function valueText(v: unknown): string {
  if (v === null || v === undefined || v === "") return "none";
  if (Array.isArray(v)) return v.length ? v.map(valueText).join(", ") : "none";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return `${v.slice(0, 16).replace("T", " ")} UTC`;
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${valueText(x)}`).join(", ");
  // Enum values (ADMIN, ROLLED_BACK) read as words.
  if (typeof v === "string" && /^[A-Z][A-Z_]+$/.test(v)) return v.toLowerCase().replace(/_/g, " ");
  return String(v);
}

/** The event's data as "label: value" pairs for the page, without ids. */
export function describeAuditData(data: unknown): { label: string; value: string }[] {
  if (!data || typeof data !== "object" || Array.isArray(data)) return [];
  return Object.entries(data as Record<string, unknown>)
    .filter(([k]) => !HIDDEN.test(k))
    .map(([k, v]) => ({ label: LABELS[k] ?? k.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase(), value: valueText(v) }));
}
