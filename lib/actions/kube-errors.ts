import { ApiException } from "@kubernetes/client-node";

/** The HTTP status of a Kubernetes API error, or undefined for a transport failure. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  // lib/kube's KubeAccessError carries the HTTP status as `status` (its `code` is a word).
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status >= 100 && status < 600) return status;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "number" && code >= 100 && code < 600 ? code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusOf(err) === 404;

/** A short, credential-free description of a Kubernetes API failure for logs and run errors. */
export function describeKubeError(err: unknown): string {
  const status = statusOf(err);
  if (err instanceof ApiException) {
    const body = err.body as unknown;
    let message: string | undefined;
    if (typeof body === "string") {
      try {
        message = (JSON.parse(body) as { message?: string }).message;
      } catch {
        message = body.slice(0, 200);
      }
    } else if (body && typeof body === "object") {
      message = (body as { message?: string }).message;
    }
    return `Kubernetes API ${status}: ${message ?? "no message"}`;
  }
  const msg = err instanceof Error ? err.message : String(err);
  // Transport failures (refused, DNS, TLS) carry the address; keep only the reason.
  const cause = (err as { cause?: { code?: string } } | null)?.cause?.code;
  return cause ? `cluster unreachable (${cause})` : msg.replace(/https?:\/\/\S+/g, "<server>").slice(0, 300);
}

/** Runs fn and treats "already gone" as success: deleting twice is the same as once. */
export async function ignoreNotFound<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
