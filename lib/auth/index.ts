// Accounts and sessions: next-auth configuration, sign-up, passwords, throttling.
export { authOptions, enabledOAuthProviders } from "./auth-options";
export { getSessionUser, type SessionUser } from "./session";
export { createAccount, signUpSchema, AccountExistsError, type SignUpInput } from "./create-account";
export { hashPassword, verifyPassword } from "./password";
export { hit, reset, throttleMessage, SIGNUP_PER_IP, SIGNIN_PER_EMAIL, SIGNIN_PER_IP } from "./throttle";
export { revokeSessions } from "./revoke-sessions";
export { sameSitePath, safeCallbackPath, DEFAULT_CALLBACK } from "./callback-url";
