import type { ActionAccess, KubeconfigRefusal } from "@/lib/clusters";
import type { ContextSummary } from "@/lib/kube";

/** What a kubeconfig submission answers; never a credential, only what the file describes. */
export interface KubeconfigReply {
  /** The file was refused: the rule, the place in the file, a sentence naming both. */
  refusal?: KubeconfigRefusal;
  /** The contexts the file offers (name, cluster, user, server, auth kind). */
  contexts?: ContextSummary[];
  /** The context the file's current-context names, when it names one. */
  currentContext?: string | null;
  /** A cluster name to offer for the chosen (or only) context. */
  suggestedName?: string;
  /** "Test connection": what the cluster said, or why it could not be asked. */
  test?: ConnectionTest;
  /** A form-level error (name taken, session ended, …) and field errors. */
  error?: string;
  fieldErrors?: { name?: string[]; context?: string[] };
  /** Set when credentials were stored (rotation stays on its page). */
  message?: string;
}

export type ConnectionTest =
  | { ok: true; version: string; nodeCount: number | null; namespace: string | null; actions: ActionAccess[] }
  | { ok: false; status: string; message: string };

export type KubeconfigIntent = "inspect" | "test" | "save";
