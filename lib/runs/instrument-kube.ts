import { statusOf, type ActionKube } from "@/lib/actions";
import { kubeRequestDuration, kubeRequestErrors } from "./run-metrics";

// Wraps each API accessor so that every call is timed and its failures counted, labelled by
// the client method (deleteNamespacedPod, patchNode, ...): a fixed, small set of names.
function instrument<T extends object>(api: T): T {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || typeof prop !== "string") return value;
      return async (...args: unknown[]) => {
        const end = kubeRequestDuration.startTimer({ operation: prop });
        try {
          const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          end({ code: "2xx" });
          return out;
        } catch (err) {
          const code = String(statusOf(err) ?? 0);
          end({ code });
          kubeRequestErrors.inc({ operation: prop, code });
          throw err;
        }
      };
    },
  });
}

/** The same accessors, with latency and error metrics on every call. */
export function instrumentKube(kube: ActionKube): ActionKube {
  return {
    core: instrument(kube.core),
    apps: instrument(kube.apps),
    batch: instrument(kube.batch),
    policy: instrument(kube.policy),
    authz: instrument(kube.authz),
    coordination: instrument(kube.coordination),
    rbac: instrument(kube.rbac),
    raw: instrument(kube.raw),
  };
}
