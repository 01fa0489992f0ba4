// Plain JavaScript, shared by next.config.mjs and the request guards in lib/http.

/**
 * The largest server-action request body, in bytes. The biggest legitimate one is a kubeconfig
 * upload (refused above 256 KiB by the form and the action); Next.js answers a larger body with
 * a 500, so lib/http refuses it with a 413 before it gets there.
 */
export const SERVER_ACTION_BODY_LIMIT = 1024 * 1024;
