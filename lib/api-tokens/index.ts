// API tokens for the CLI and CI scripts: create (shown once), list, revoke. Requests that
// present a token are resolved by lib/tenancy (resolveTeamForToken), not here.
export { ApiTokenError, createApiToken, listApiTokens, revokeApiToken, tokenStatus } from "./manage-tokens";
export {
  TOKEN_EXPIRY_CHOICES,
  TOKEN_SCOPES,
  TOKEN_SCOPE_LABELS,
  createTokenSchema,
  type CreateTokenInput,
  type TokenScope,
} from "./schemas";
