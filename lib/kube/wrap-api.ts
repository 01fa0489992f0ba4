import type { Watch } from "@kubernetes/client-node";
import type { KubeAccessError } from "./kube-access-error";

type MapError = (err: unknown) => KubeAccessError;

/** Wraps every method of an API object so that a failure surfaces as a `KubeAccessError`. */
export function guardMethods<T extends object>(api: T, mapError: MapError): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((err: unknown) => Promise.reject(mapError(err)))
            : result;
        } catch (err) {
          throw mapError(err);
        }
      };
    },
  });
}

/** `Watch` whose `done` callback and rejections carry only `KubeAccessError`s. */
export class GuardedWatch {
  constructor(
    private readonly inner: Watch,
    private readonly mapError: MapError,
  ) {}

  /** Same contract as client-node's `Watch.watch`; abort with the returned controller. */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: KubeAccessError | null) => void,
  ): Promise<AbortController> {
    try {
      return await this.inner.watch(path, query, callback, (err: unknown) =>
        done(err ? this.mapError(err) : null),
      );
    } catch (err) {
      throw this.mapError(err);
    }
  }
}

/** A value made on first use and kept. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
