// Shared result links: a long random token (only its hash stored) that opens a read-only,
// redacted view of one run at /r/<token> or one experiment execution at /e/<token>, with an expiry and revocation.
export { SHARE_EXPIRIES, SHARE_EXPIRY_LABELS, shareExpirySchema, expiresAtFor, isLive, type ShareExpiry } from "./expiry";
export {
  createShareLink,
  revokeShareLink,
  getShareLink,
  listShareLinks,
  createExecutionShareLink,
  listExecutionShareLinks,
  shareLinkView,
  ShareLinkError,
  SHARE_TOKEN_PREFIX,
  type ShareLinkView,
} from "./share-links";
export { getSharedRun, type SharedRun } from "./shared-run";
export { redactText, redactJson } from "./redact";
export { getSharedExecution, sharedExecutionPath, type SharedExecution } from "./shared-execution";
