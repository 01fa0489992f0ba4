import Link from "next/link";
import { describeAuditAction, describeAuditData } from "@/lib/audit";
import { requireTeamAccess } from "@/lib/tenancy";
import { auditFilterChoices, listAuditEvents, parseAuditFilter, type AuditFilter } from "@/lib/teams";
import { Button, EmptyState, Table, Td, buttonClass } from "@/app/_components/ui";

export const metadata = { title: "Audit log" };

const inputClass =
  "block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:ring-2 focus:ring-brand-500";

// The URL of the log with these filters, so a filtered view can be bookmarked and shared.
function hrefFor(base: string, f: AuditFilter, page: number): string {
  const q = new URLSearchParams();
  if (f.who) q.set("who", f.who);
  if (f.what) q.set("what", f.what);
  if (f.from) q.set("from", f.from);
  if (f.to) q.set("to", f.to);
  if (page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

// The event's details (roles, names, e-mails; never secrets, which are never recorded).
function Details({ data }: { data: unknown }) {
  const pairs = describeAuditData(data);
  if (pairs.length === 0) return <>—</>;
  return (
    <dl className="flex flex-wrap gap-x-3 gap-y-0.5">
      {pairs.map((p) => (
        <div key={p.label} className="flex gap-1">
          <dt className="text-slate-500">{p.label}:</dt>
          <dd className="break-all text-slate-700">{p.value.slice(0, 200)}</dd>
        </div>
      ))}
    </dl>
  );
}

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamAccess((await params).slug, "audit:read");
  const filter = parseAuditFilter(await searchParams);
  const [{ events, hasNext }, choices] = await Promise.all([
    listAuditEvents(ctx, filter),
    auditFilterChoices(ctx),
  ]);
  const base = `/t/${ctx.team.slug}/settings/audit`;
  const filtered = Boolean(filter.who || filter.what || filter.from || filter.to);
  return (
    <div className="space-y-4">
      <form
        method="get"
        action={base}
        className="flex flex-wrap items-end gap-3"
        aria-label="Filter the audit log"
      >
        <div className="min-w-0 max-w-full space-y-1">
          <label htmlFor="audit-who" className="block text-sm font-medium text-slate-700">
            Who
          </label>
          <select id="audit-who" name="who" defaultValue={filter.who ?? ""} className={`${inputClass} max-w-full`}>
            <option value="">Anyone</option>
            {choices.people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.email})
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-0 max-w-full space-y-1">
          <label htmlFor="audit-what" className="block text-sm font-medium text-slate-700">
            What
          </label>
          <select id="audit-what" name="what" defaultValue={filter.what ?? ""} className={`${inputClass} max-w-full`}>
            <option value="">Anything</option>
            {choices.families.map((f) => (
              <optgroup key={f} label={f}>
                <option value={f}>all {f.replace(/_/g, " ")} events</option>
                {choices.kinds
                  .filter((k) => k.startsWith(`${f}.`))
                  .map((k) => (
                    <option key={k} value={k}>
                      {describeAuditAction(k)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-from" className="block text-sm font-medium text-slate-700">
            From (UTC)
          </label>
          <input id="audit-from" type="date" name="from" defaultValue={filter.from} className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-to" className="block text-sm font-medium text-slate-700">
            To (UTC)
          </label>
          <input id="audit-to" type="date" name="to" defaultValue={filter.to} className={inputClass} />
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {filtered ? (
          <Link href={base} className={buttonClass("ghost")}>
            Clear filters
          </Link>
        ) : null}
      </form>

      {events.length === 0 ? (
        <EmptyState title={filtered || filter.page > 1 ? "No events match" : "Nothing recorded yet"}>
          {filtered ? "Widen the filters or clear them." : "Changes made in this team appear here."}
        </EmptyState>
      ) : (
        <Table head={["When (UTC)", "Who", "What", "Details", "From"]}>
          {events.map((e) => (
            <tr key={String(e.id)}>
              <Td className="whitespace-nowrap">{e.at.toISOString().slice(0, 19).replace("T", " ")}</Td>
              <Td>{e.actor ? `${e.actor.name} (${e.actor.email})` : e.actorTokenId ? "API token" : <span title="Recorded by Pystol itself: a worker, the sweep or an expiry">Pystol</span>}</Td>
              <Td>
                <span title={e.action}>{describeAuditAction(e.action)}</span>
              </Td>
              <Td className="text-xs">
                <Details data={e.data} />
              </Td>
              <Td>{e.ip ?? "—"}</Td>
            </tr>
          ))}
        </Table>
      )}

      {filter.page > 1 || hasNext ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {filter.page > 1 ? (
            <Link href={hrefFor(base, filter, filter.page - 1)} className={buttonClass("secondary")}>
              Newer
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-500">Page {filter.page}</span>
          {hasNext ? (
            <Link href={hrefFor(base, filter, filter.page + 1)} className={buttonClass("secondary")}>
              Older
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
