import Link from "next/link";
import { plural } from "@/lib/text";
import { age, parseParams, PHASES, podFiltersSchema, podPage, type PodFilters } from "@/lib/views";
import { Alert, Badge, EmptyState, Table, Td } from "@/app/_components/ui";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";

export const metadata = { title: "Pods" };

const STATUS_TONE: Record<string, "green" | "amber" | "red" | "slate"> = {
  Running: "green",
  Succeeded: "slate",
  Pending: "amber",
  Failed: "red",
};
const FIELD = "rounded-md border border-slate-300 px-2 py-1 text-sm";

export default async function PodsPage(props: ViewProps) {
  const { cluster, path, search, force, refresh } = await openView(props, "pods");
  const { value: f, invalid } = parseParams(podFiltersSchema, search);
  const result = await podPage(cluster, f, force);
  const filters: Omit<PodFilters, "continue"> = {
    namespace: f.namespace,
    node: f.node,
    phase: f.phase,
    labels: f.labels,
    q: f.q,
  };
  const href = (extra: Partial<PodFilters>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...filters, ...extra })) if (v) q.set(k, v);
    return `${path}?${q.toString()}`;
  };
  return (
    <div className="space-y-4">
      <form
        action={path}
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm"
        aria-label="Filter pods"
      >
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Name contains</span>
          <input name="q" defaultValue={f.q ?? ""} className={FIELD} maxLength={100} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Namespace</span>
          <input
            name="namespace"
            defaultValue={typeof search.namespace === "string" ? search.namespace : ""}
            className={FIELD}
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Label selector</span>
          <input
            name="labels"
            defaultValue={typeof search.labels === "string" ? search.labels : ""}
            placeholder="e.g. app=cart,tier!=web"
            className={FIELD}
          />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Phase</span>
          <select name="phase" defaultValue={f.phase ?? ""} className={FIELD}>
            <option value="">any</option>
            {PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Node</span>
          <input
            name="node"
            defaultValue={typeof search.node === "string" ? search.node : ""}
            className={FIELD}
          />
        </label>
        <button className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">
          Apply
        </button>
        <Link href={path} className="px-2 py-1.5 text-slate-600 hover:text-slate-900">
          Clear
        </Link>
      </form>
      {invalid.length > 0 ? (
        <Alert tone="amber">
          Not applied (not a valid value): {invalid.join(", ")}. Names are lower-case letters, digits, dots
          and dashes; a label selector looks like app=cart,tier!=web.
        </Alert>
      ) : null}
      <Freshness at={result.at} refreshHref={refresh} />
      {result.error ? (
        result.error.code === "invalid" && f.continue ? (
          <ViewProblem
            error={{
              code: "invalid",
              message:
                "The list changed too much since the first page was read, so this page cannot be continued.",
            }}
            what="this page of pods"
          />
        ) : (
          <ViewProblem error={result.error} what="the pods" />
        )
      ) : result.data.rows.length === 0 ? (
        <EmptyState title="No pods match">
          {f.q ? `No pod name on this stretch of the list contains "${f.q}". ` : ""}Change the filters or
          clear them.
        </EmptyState>
      ) : (
        // One line per pod (the labels open on demand), so that a page of fifty pods stays
        // a list to scan rather than a wall.
        <Table head={["Pod", "Namespace", "Status", "Ready", "Age", "Node", "Owner", "Labels"]}>
          {result.data.rows.map((p) => (
            <tr key={`${p.namespace}/${p.name}`} data-testid="pod-row" className="whitespace-nowrap">
              <Td className="font-medium">{p.name}</Td>
              <Td className="text-slate-600">{p.namespace}</Td>
              <Td>
                <Badge tone={STATUS_TONE[p.status] ?? "amber"}>{p.status}</Badge>
              </Td>
              <Td>
                {p.ready}
                {p.restarts > 0 ? (
                  <strong className="ml-1.5 text-xs text-amber-700">{plural(p.restarts, "restart")}</strong>
                ) : null}
              </Td>
              <Td>{age(p.createdAt ?? undefined)}</Td>
              <Td className="text-xs">{p.node ?? <span className="text-slate-500">not scheduled</span>}</Td>
              <Td className="text-xs">
                {p.owner ? `${p.owner.kind}/${p.owner.name}` : <span className="text-slate-500">none</span>}
              </Td>
              <Td className="text-xs">
                <PodLabels labels={p.labels} annotations={p.annotations} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {result.data ? (
        <nav aria-label="Pages" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          {f.continue ? (
            <Link href={href({})} className="text-brand-700 hover:underline">
              ← First page
            </Link>
          ) : null}
          <span className="text-slate-500">
            {plural(result.data.rows.length, "pod")} on this page
            {result.data.remaining != null && result.data.continue
              ? `, ${result.data.remaining.toLocaleString("en")} more after it`
              : ""}
            {f.q ? ` (${result.data.scanned.toLocaleString("en")} looked through)` : ""}
          </span>
          {result.data.continue ? (
            <Link href={href({ continue: result.data.continue })} className="text-brand-700 hover:underline">
              Next page →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}

/** A pod's labels and annotations, behind a one-line summary; open, they wrap in a column of their own. */
function PodLabels({
  labels,
  annotations,
}: {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}) {
  const entries = Object.entries(labels);
  const notes = Object.entries(annotations);
  if (entries.length === 0 && notes.length === 0) return <span className="text-slate-500">none</span>;
  const summary = [
    entries.length > 0 ? plural(entries.length, "label") : "",
    notes.length > 0 ? plural(notes.length, "annotation") : "",
  ]
    .filter(Boolean)
    .join(", ");
  return (
    <details>
      <summary className="cursor-pointer text-slate-600">{summary}</summary>
      <div className="mt-1 flex w-72 flex-wrap gap-1 whitespace-normal">
        {entries.map(([k, v]) => (
          <span key={k} className="break-all whitespace-normal rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">
            {k}={v}
          </span>
        ))}
      </div>
      {notes.length > 0 ? (
        <dl className="mt-1 w-72 space-y-1 whitespace-normal break-all">
          {notes.map(([k, v]) => (
            <div key={k}>
              <dt className="whitespace-normal font-mono text-slate-600">{k}</dt>
              <dd className="text-slate-800">{v.length > 300 ? `${v.slice(0, 300)}…` : v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </details>
  );
}
