import { Alert } from "@/app/_components/ui";
import type { KubeconfigRefusal } from "@/lib/clusters";
import { ActionAccessTable } from "./action-access-table";
import type { ConnectionTest } from "./types";

/**
 * A refused kubeconfig: the sentence, then the rule and the place as the parser named them.
 * The sentence for an internal address already names the operator's setting; where the page
 * offers "Add a sandbox cluster" (`sandboxHint`), it also says to use that instead (the
 * sandbox's own kubeconfig points at 127.0.0.1).
 */
export function Refusal({ refusal, sandboxHint = false }: { refusal: KubeconfigRefusal; sandboxHint?: boolean }) {
  return (
    <Alert>
      <p className="font-medium">This kubeconfig was refused.</p>
      <p className="mt-1">{/[.!?]$/.test(refusal.message) ? refusal.message : `${refusal.message}.`}</p>
      {refusal.rule === "server-address" && sandboxHint ? (
        <p className="mt-1" data-testid="refusal-remedy">
          To try Pystol without a cluster of your own, use <strong>Add a sandbox cluster</strong> on this page: it needs
          no kubeconfig.
        </p>
      ) : null}
      <p className="mt-1 text-xs">
        Rule: <code data-testid="refusal-rule">{refusal.rule}</code>
        {refusal.path ? (
          <>
            {" "}
            · Place in the file: <code data-testid="refusal-place">{refusal.path}</code>
          </>
        ) : null}
      </p>
    </Alert>
  );
}

/** What "Test connection" found: version, nodes, and which fault actions the credentials allow. */
export function ConnectionResult({ test }: { test: ConnectionTest }) {
  if (!test.ok) {
    return (
      <Alert tone="amber">
        <p className="font-medium">The cluster could not be reached ({test.status.toLowerCase()}).</p>
        <p className="mt-1">{test.message}</p>
      </Alert>
    );
  }
  return (
    <div className="space-y-3 rounded-md border border-emerald-200 bg-emerald-50/50 p-4" data-testid="connection-test">
      <p className="text-sm font-medium text-emerald-800">Connection works.</p>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">Kubernetes version</dt>
          <dd className="font-medium">{test.version}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Nodes</dt>
          <dd className="font-medium">{test.nodeCount ?? "not allowed to list"}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Permissions asked in</dt>
          <dd className="font-medium">{test.namespace ? `namespace ${test.namespace}` : "all namespaces"}</dd>
        </div>
      </dl>
      <ActionAccessTable actions={test.actions} />
    </div>
  );
}
