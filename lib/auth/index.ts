// Accounts and sessions: next-auth configuration, sign-up, passwords, throttling.
export { authOptions, enabledOAuthProviders } from "./auth-options";
export { getSessionUser, type SessionUser } from "./session";
export { createAccount, signUpSchema, newPasswordField, AccountExistsError, type SignUpInput } from "./create-account";
export { registerAccount, linkDelivery, accountMailAllowed, type LinkDelivery } from "./register-account";
export { confirmEmail, type Confirmation } from "./confirm-email";
export { requestPasswordReset, resetPassword, forgotPasswordSchema, EXPIRED_RESET_LINK } from "./password-reset";
export { issueAccountToken, findAccountToken, consumeAccountToken } from "./account-tokens";
export { confirmationMail, accountExistsMail } from "./account-mail";
export { passwordWeakness } from "./password-strength";
export { hashPassword, verifyPassword } from "./password";
export { hit, reset, throttleMessage, SIGNUP_PER_IP, SIGNIN_PER_IP } from "./throttle";
export { revokeSessions } from "./revoke-sessions";
export { sameSitePath, safeCallbackPath, DEFAULT_CALLBACK } from "./callback-url";
