// Plain JavaScript, shared by server.mjs (which runs without a build step) and instrumentation.ts.
//
// A page whose render fails because PostgreSQL or Redis is away is an outage of this service,
// not a bug: it is answered 503 with Retry-After, as the API answers (lib/http/outage.ts),
// instead of the 500 Next.js writes for any failed render. Next.js decides the status itself and
// offers no 503 to a page, so the web server asks, when the status is written, whether the render
// reported an outage (Next.js calls instrumentation's onRequestError as the error is caught,
// before the error page's status is sent).
import { AsyncLocalStorage } from "node:async_hooks";

// One store for the whole process: server.mjs and the build's copy of this module are two
// module instances.
const KEY = Symbol.for("pystol.pageOutage");
/** @type {AsyncLocalStorage<{ retryAfterSeconds: number | null }>} */
const requests = (globalThis[KEY] ??= new AsyncLocalStorage());

/**
 * Handles one request so that a 500 after a reported outage goes out as 503 with Retry-After.
 * @param {import("node:http").ServerResponse} res
 * @param {() => unknown} handle
 */
export function answeringOutagesAs503(res, handle) {
  const state = { retryAfterSeconds: null };
  const writeHead = res.writeHead;
  // Every status goes out through writeHead, an implicit one included (ServerResponse's
  // _implicitHeader calls it with res.statusCode).
  res.writeHead = function (status, ...rest) {
    if (status === 500 && state.retryAfterSeconds !== null) {
      status = 503;
      res.statusMessage = "Service Unavailable";
      res.setHeader("retry-after", String(state.retryAfterSeconds));
      res.setHeader("cache-control", "no-store");
      if (typeof rest[0] === "string") rest[0] = "Service Unavailable";
    }
    return writeHead.call(this, status, ...rest);
  };
  return requests.run(state, handle);
}

/**
 * Marks the current request's failure as an outage of a dependency (no-op outside
 * answeringOutagesAs503, e.g. under `next dev`).
 * @param {number} retryAfterSeconds
 */
export function reportPageOutage(retryAfterSeconds) {
  const state = requests.getStore();
  if (state) state.retryAfterSeconds = retryAfterSeconds;
}
