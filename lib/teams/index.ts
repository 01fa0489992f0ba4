// Teams and their members: create, rename, invite, accept, change roles, remove, leave,
// transfer ownership, and the team's audit log. Every change is audited in its transaction.
export { TeamRuleError } from "./errors";
export { createTeam } from "./create-team";
export { createTeamForUser } from "./create-team-for-user";
export { renameTeam } from "./rename-team";
export { protectedNamespacesInput, setProtectedNamespaces } from "./protected-namespaces";
export {
  PROMETHEUS_SEAL_CONTEXT,
  PrometheusConnectionError,
  openPrometheus,
  prometheusOf,
  prometheusSummary,
  removePrometheus,
  sealPrometheus,
  setPrometheus,
  testPrometheus,
  type PrometheusSummary,
  type PrometheusTest,
} from "./prometheus";
export { changeMemberRole, leaveTeam, listMembers, removeMember, transferOwnership } from "./manage-members";
export {
  acceptInvite,
  createInvite,
  listOpenInvites,
  previewInvite,
  revokeInvite,
  type InvitePreview,
} from "./invites";
export {
  INVITE_EXPIRY_DAYS,
  idSchema,
  inviteInputSchema,
  inviteRoleSchema,
  roleSchema,
  type InviteInput,
} from "./member-schemas";
export { slugSchema, slugify, teamNameSchema } from "./schemas";
export {
  AUDIT_PAGE_SIZE,
  auditFilterChoices,
  listAuditEvents,
  parseAuditFilter,
  type AuditFilter,
} from "./audit-log";
