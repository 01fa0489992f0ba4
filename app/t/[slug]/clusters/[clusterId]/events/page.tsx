import Link from "next/link";
import { plural } from "@/lib/text";
import { eventFiltersSchema, eventList, parseParams } from "@/lib/views";
import { Alert, Badge, EmptyState, Table, Td } from "@/app/_components/ui";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";

export const metadata = { title: "Events" };

const FIELD = "rounded-md border border-slate-300 px-2 py-1 text-sm";

export default async function EventsPage(props: ViewProps) {
  const { cluster, path, search, force, refresh } = await openView(props, "events");
  const { value: f, invalid } = parseParams(eventFiltersSchema, search);
  const result = await eventList(cluster, f, force);
  return (
    <div className="space-y-4">
      <form action={path} className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm" aria-label="Filter events">
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Namespace</span>
          <input name="namespace" defaultValue={typeof search.namespace === "string" ? search.namespace : ""} className={FIELD} />
        </label>
        <label className="flex flex-col gap-1">
          <span className="text-xs font-medium text-slate-600">Type</span>
          <select name="type" defaultValue={f.type ?? ""} className={FIELD}>
            <option value="">any</option>
            <option>Normal</option>
            <option>Warning</option>
          </select>
        </label>
        <button className="rounded-md bg-brand-600 px-3 py-1.5 font-medium text-white hover:bg-brand-700">Apply</button>
        <Link href={path} className="px-2 py-1.5 text-slate-600 hover:text-slate-900">
          Clear
        </Link>
      </form>
      {invalid.length > 0 ? <Alert tone="amber">Not applied (not a valid value): {invalid.join(", ")}.</Alert> : null}
      <Freshness at={result.at} refreshHref={refresh} />
      {result.error ? (
        <ViewProblem error={result.error} what="the events" />
      ) : result.data.rows.length === 0 ? (
        <EmptyState title="No events">Nothing happened recently{f.namespace ? ` in ${f.namespace}` : ""}{f.type ? ` of type ${f.type}` : ""}. Kubernetes keeps events for about an hour.</EmptyState>
      ) : (
        <>
          <Table head={["Last seen", "Type", "Reason", "Object", "Message", "Count"]}>
            {result.data.rows.map((e, i) => (
              <tr key={i} data-testid="event-row">
                <Td className="whitespace-nowrap text-xs">{e.last ? `${e.last.slice(0, 19).replace("T", " ")} UTC` : "—"}</Td>
                <Td>
                  <Badge tone={e.type === "Warning" ? "amber" : "slate"}>{e.type}</Badge>
                </Td>
                <Td className="font-medium">{e.reason}</Td>
                <Td className="whitespace-nowrap text-xs">
                  {e.object}
                  <div className="text-slate-500">{e.namespace}</div>
                </Td>
                <Td className="min-w-64 max-w-md break-words text-xs">{e.message}</Td>
                <Td>{e.count}</Td>
              </tr>
            ))}
          </Table>
          {result.data.total > result.data.rows.length ? (
            <p className="text-xs text-slate-500">
              The newest {result.data.rows.length.toLocaleString("en")} of {plural(result.data.total, "event")}. Narrow by namespace or type to see others.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
