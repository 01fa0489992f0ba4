// What every HTTP request and answer passes through in proxy.ts: security headers and the
// Content-Security-Policy, and the guards that turn unstorable input into a 4xx.
export { baseSecurityHeaders, contentSecurityPolicy, newNonce } from "./security-headers";
export { refuseActionBody, refuseUnusableUrl } from "./request-guards";
export { SERVER_ACTION_BODY_LIMIT } from "./body-limit.mjs";
export { outageOf, outageMessage, outageResponse, withinDeadline, DependencyTimeoutError, OUTAGE_RETRY_AFTER_SECONDS, type Outage } from "./outage";
