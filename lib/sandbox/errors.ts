/** A Kubernetes Status failure, thrown inside the API handlers and written as the response. */
export class ApiError extends Error {
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
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
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

export const invalid = (kind: string, group: string, name: string, causes: FieldCause[]) =>
  new ApiError(
    422,
    "Invalid",
    `${kind}${group ? "." + group : ""} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(", ")}`,
    {
      name,
      ...(group ? { group } : {}),
      kind,
      causes: causes.map((c) => ({ reason: c.reason ?? "FieldValueInvalid", message: c.message, field: c.field })),
    },
  );

export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);
export const unauthorized = () => new ApiError(401, "Unauthorized", "Unauthorized");
export const forbidden = (message: string) => new ApiError(403, "Forbidden", message);
export const methodNotAllowed = (message: string) => new ApiError(405, "MethodNotAllowed", message);
export const gone = (message: string) => new ApiError(410, "Expired", message);
export const tooLarge = () => new ApiError(413, "RequestEntityTooLarge", "the request is too large");
export const unsupportedMedia = (type: string) =>
  new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json; got ${type}`);
export const internal = (message: string) => new ApiError(500, "InternalError", message);
