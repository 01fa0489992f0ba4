import type { ViewError } from "./view-cache";

export interface Explanation {
  title: string;
  detail: string;
  next: string;
}

/** Says in plain words why a view has no data and what to do about it. */
export function explainViewError(err: ViewError, what: string): Explanation {
  switch (err.code) {
    case "unauthorized":
      return {
        title: "The cluster no longer accepts the stored credentials",
        detail: `The API server answered 401 when Pystol asked for ${what}: the token or certificate has expired or was revoked.`,
        next: "Upload a fresh kubeconfig for this cluster in its Settings tab.",
      };
    case "forbidden":
      return {
        title: `The credentials may not read ${what}`,
        detail: err.message,
        next: "Grant the credentials list access to this resource (a ClusterRole with get/list), or use a kubeconfig that has it.",
      };
    case "address-refused":
      return {
        title: "Pystol does not connect to this address",
        detail: err.message,
        next: "Use a kubeconfig whose API server has a public address, or ask the operator to allow this network.",
      };
    case "timeout":
      return {
        title: "The cluster did not answer in time",
        detail: `Asking for ${what} took longer than the time limit. The API server may be overloaded or behind a slow network.`,
        next: "Try again in a moment with Refresh.",
      };
    case "tls":
      return { title: "The cluster's certificate was not accepted", detail: err.message, next: "Check the certificate authority in the kubeconfig, then upload it again in Settings." };
    case "invalid":
      return { title: "The cluster refused this query", detail: err.message, next: "Check the filters (for example the label selector) and try again." };
    case "rate-limited":
      return { title: "The cluster is throttling requests", detail: err.message, next: "Wait a little and Refresh." };
    case "shard-down":
      return {
        title: "The sandbox shard holding this cluster is not answering",
        detail: "Runs on this cluster cannot start while it is down, and its views cannot be read. Nothing is lost: the cluster comes back as it was when the shard restarts.",
        next: "Refresh in a few minutes, or, on a trial, start a new trial to get a fresh cluster on a shard that answers.",
      };
    case "not-found":
      return { title: `This cluster does not serve ${what}`, detail: err.message, next: "Nothing to do here; other views still work." };
    default:
      return {
        title: "The cluster could not be reached",
        detail: `${err.message} Pystol asked for ${what} and got no answer.`,
        next: "Check that the cluster is running and reachable, then Refresh. Its Settings tab can re-check the connection.",
      };
  }
}
