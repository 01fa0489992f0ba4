/** Which of a cluster's limits refused a request (the label of sandbox_refusals_total). */
export type LimitName = "body-size" | "objects" | "bytes" | "watches" | "rate" | "json-depth" | "patch-size";

/** A Kubernetes Status failure, thrown inside the API handlers and written as the response. */
export class ApiError extends Error {
  /** Seconds a client should wait before trying again (the Retry-After header). */
  retryAfterSeconds?: number;
  /** Set when a cluster's limit refused the request, for the refusal metric. */
  limit?: LimitName;
  /** The Status's own metadata (a 410 for an expired continue token carries a fresh token). */
  statusMetadata?: Record<string, unknown>;

  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: this.statusMetadata ?? {},
      status: "Failure",
      message: this.message,
      // Upstream's 500s for an unparsable resourceVersion carry no reason.
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

const qualified = (resource: string, group: string) => (group ? `${resource}.${group}` : resource);

export const notFound = (resource: string, group: string, name: string) =>
  new ApiError(404, "NotFound", `${qualified(resource, group)} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const alreadyExists = (resource: string, group: string, name: string) =>
  new ApiError(409, "AlreadyExists", `${qualified(resource, group)} "${name}" already exists`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });

export const conflict = (resource: string, group: string, name: string) =>
  new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, ...(group ? { group } : {}), kind: resource },
  );

export interface FieldCause {
  field: string;
  message: string;
  reason?: string;
}

/** 422 Invalid as apierrors.NewInvalid words it: one cause inline, several in brackets. */
export const invalid = (kind: string, group: string, name: string, causes: FieldCause[]) => {
  const each = causes.map((c) => `${c.field}: ${c.message}`);
  return new ApiError(422, "Invalid", `${kind}${group ? "." + group : ""} "${name}" is invalid: ${each.length === 1 ? each[0] : `[${each.join(", ")}]`}`, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    ...(kind ? { kind } : {}),
    causes: causes.map((c) => ({ reason: c.reason ?? "FieldValueInvalid", message: c.message, field: c.field })),
  });
};

/** The Status a DELETE answers when the object is gone at once (kinds that do not return it). */
export const deletedStatus = (resource: string, group: string, name: string, uid: string | undefined) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Success",
  details: { name, ...(group ? { group } : {}), kind: resource, ...(uid ? { uid } : {}) },
});

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);
export const unauthorized = () => new ApiError(401, "Unauthorized", "Unauthorized");
export const forbidden = (message: string) => new ApiError(403, "Forbidden", message);
export const methodNotAllowed = (message: string) => new ApiError(405, "MethodNotAllowed", message, {});
export const gone = (message: string) => new ApiError(410, "Expired", message);
/** Marks an error as a limit's refusal (counted in sandbox_refusals_total). */
export const refusedBy = (e: ApiError, limit: LimitName, retryAfterSeconds?: number) => {
  e.limit = limit;
  if (retryAfterSeconds !== undefined) e.retryAfterSeconds = retryAfterSeconds;
  return e;
};

/** A body over the limit: as kube-apiserver's limitedReadBody answers (apierrors.NewRequestEntityTooLargeError). */
export const tooLarge = (limit: number) => refusedBy(new ApiError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${limit}`), "body-size");

/**
 * Too many requests or watches. kube-apiserver's max-in-flight and priority-and-fairness
 * filters answer 429 with `Retry-After` and the text "Too many requests, please try again
 * later."; the same 429, header and sentence are sent here inside a Status (as
 * apierrors.NewTooManyRequests builds it, with details.retryAfterSeconds), so that kubectl and
 * client-go, which wait for Retry-After and retry, and people reading the body both see why.
 */
export const tooManyRequests = (limit: LimitName, why: string, retryAfterSeconds: number) =>
  refusedBy(
    new ApiError(429, "TooManyRequests", `Too many requests, please try again later. ${why}`, { causes: [{ reason: "TooManyRequests", message: why }], retryAfterSeconds }),
    limit,
    retryAfterSeconds,
  );

/**
 * A create or update that a cluster's quota does not allow: the ResourceQuota admission
 * plugin's answer (403 Forbidden, "exceeded quota: <quota>, requested: …, used: …, limited: …"),
 * which is what a real cluster with a quota on the same resource says.
 */
export const exceededQuota = (limit: LimitName, resource: string, group: string, name: string, quota: string, requested: string, used: string, limited: string) =>
  refusedBy(
    new ApiError(403, "Forbidden", `${qualified(resource, group)} "${name}" is forbidden: exceeded quota: ${quota}, requested: ${requested}, used: ${used}, limited: ${limited}`, {
      name,
      ...(group ? { group } : {}),
      kind: resource,
    }),
    limit,
  );

/** Nesting deeper than the cluster allows (lib/sandbox/limits.ts): 400, as the JSON decoder's error. */
export const tooDeep = (message: string) => refusedBy(badRequest(message), "json-depth");
/**
 * A PATCH of a type no patch handler takes: upstream's bare 415. Server-side apply, which the
 * sandbox does not serve, is named in the answer.
 */
export const unsupportedMedia = (type: string) =>
  type.startsWith("application/apply-patch")
    ? new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${type}`)
    : new ApiError(415, "UnsupportedMediaType", "415: Unsupported Media Type", {});
export const internal = (message: string) => new ApiError(500, "InternalError", message);
