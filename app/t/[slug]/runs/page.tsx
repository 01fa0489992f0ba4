import Link from "next/link";
import { listActions } from "@/lib/actions";
import { db, RunState } from "@/lib/db";
import { roleAllows } from "@/lib/rbac/permissions";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Badge, ButtonLink, EmptyState, PageHeader, Table, Td, buttonClass } from "@/app/_components/ui";
import { haltAllRuns } from "./actions";
import { ConfirmButton } from "./confirm-button";
import { filterQuery, filterWhere, PAGE_SIZE, parseRunFilters } from "./filters";
import { RunDuration } from "@/app/_components/run-duration";
import { FollowRunChanges } from "./follow-run-changes";
import { formatTime, STATE_LABELS, STATE_TONES } from "./run-format";
import { plural } from "@/lib/text";

export const metadata = { title: "Executed" };

type Search = Promise<Record<string, string | string[] | undefined>>;

const selectClass = "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm";

export default async function RunsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Search }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const filters = parseRunFilters(await searchParams);
  const base = `/t/${ctx.team.slug}`;
  // A dry run changed nothing in a cluster: it is not a run of it, so no list shows it (its
  // page, from the CLI's or the API's answer, still does).
  const where = { ...filterWhere(filters), dryRun: false, ...scoped(ctx) };
  const [runs, total, pending, clusters, members] = await Promise.all([
    db.run.findMany({
      where,
      orderBy: { queuedAt: "desc" },
      skip: (filters.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        actionId: true,
        state: true,
        progress: true,
        queuedAt: true,
        startedAt: true,
        finishedAt: true,
        apiTokenId: true,
        scheduleId: true,
        cluster: { select: { name: true } },
        createdBy: { select: { name: true } },
      },
    }),
    db.run.count({ where }),
    db.run.count({ where: { ...scoped(ctx), state: { in: ["QUEUED", "RUNNING", "ROLLING_BACK"] } } }),
    db.cluster.findMany({ where: scoped(ctx), orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.membership.findMany({ where: scoped(ctx), orderBy: { createdAt: "asc" }, select: { user: { select: { id: true, name: true } } } }),
  ]);
  const actions = listActions();
  const titleOf = (id: string) => actions.find((a) => a.id === id)?.title ?? id;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const filtered = filterQuery(filters, 1) !== "";
  const canAbort = roleAllows(ctx.role, "runs:abort");
  const drawnAt = new Date().getTime();

  return (
    <>
      <FollowRunChanges slug={ctx.team.slug} since={new Date(drawnAt).toISOString()} />
      <PageHeader
        title="Executed"
        description={`Every run of this team, newest first. ${pending} in progress.`}
        actions={
          <>
            {roleAllows(ctx.role, "runs:create") ? <ButtonLink href={`${base}/run`} variant="secondary">Run an action</ButtonLink> : null}
            {canAbort ? (
              <ConfirmButton
                label="Halt all runs"
                question={pending === 1 ? "Stop the run in progress and roll back what it changed?" : `Stop all ${plural(pending, "run")} in progress and roll back what they changed?`}
                confirmLabel="Halt all"
                fields={{ slug: ctx.team.slug }}
                action={haltAllRuns}
              />
            ) : null}
          </>
        }
      />

      <form method="get" aria-label="Filter runs" className="mb-4 grid grid-cols-2 items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm md:grid-cols-7">
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">Cluster</span>
          <select name="cluster" defaultValue={filters.cluster ?? ""} className={selectClass}>
            <option value="">All</option>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">Action</span>
          <select name="action" defaultValue={filters.action ?? ""} className={selectClass}>
            <option value="">All</option>
            {actions.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">Outcome</span>
          <select name="outcome" defaultValue={filters.outcome ?? ""} className={selectClass}>
            <option value="">All</option>
            {Object.values(RunState).map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">Who</span>
          <select name="who" defaultValue={filters.who ?? ""} className={selectClass}>
            <option value="">Anyone</option>
            {members.map((m) => (
              <option key={m.user.id} value={m.user.id}>
                {m.user.name}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">From</span>
          <input type="date" name="from" defaultValue={filters.from ?? ""} className={selectClass} />
        </label>
        <label className="space-y-1">
          <span className="text-xs font-medium text-slate-600">To</span>
          <input type="date" name="to" defaultValue={filters.to ?? ""} className={selectClass} />
        </label>
        <div className="flex gap-2">
          <button type="submit" className={buttonClass("secondary")}>
            Filter
          </button>
          {filtered ? (
            <Link href={`${base}/runs`} className={buttonClass("ghost")}>
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      {runs.length === 0 ? (
        filtered ? (
          <EmptyState title="No run matches these filters">Widen the dates or clear the filters.</EmptyState>
        ) : (
          <EmptyState title="No runs yet" action={<ButtonLink href={`${base}/run`}>Run an action</ButtonLink>}>
            Runs you start appear here with their outcome.
          </EmptyState>
        )
      ) : (
        <>
          <Table head={["Action", "Cluster", "Outcome", "Who", "Queued", "Took"]}>
            {runs.map((r) => (
              <tr key={r.id}>
                <Td className="font-medium">
                  <Link href={`${base}/runs/${r.id}`} className="text-brand-700 hover:underline">
                    {titleOf(r.actionId)}
                  </Link>
                </Td>
                <Td>{r.cluster.name}</Td>
                <Td>
                  <Badge tone={STATE_TONES[r.state]}>{STATE_LABELS[r.state]}</Badge>
                  {r.state === "RUNNING" ? <span className="ml-2 text-xs text-slate-500">{r.progress}%</span> : null}
                </Td>
                <Td>{r.createdBy?.name ?? (r.scheduleId ? "schedule" : r.apiTokenId ? "API token" : "—")}</Td>
                <Td className="whitespace-nowrap">{formatTime(r.queuedAt)}</Td>
                <Td className="whitespace-nowrap">
                  <RunDuration startedAt={r.startedAt?.toISOString() ?? null} finishedAt={r.finishedAt?.toISOString() ?? null} drawnAt={drawnAt} />
                </Td>
              </tr>
            ))}
          </Table>
          <nav aria-label="Pages" className="mt-3 flex items-center justify-between text-sm text-slate-600">
            <span>
              {plural(total, "run")} · page {filters.page} of {pages}
            </span>
            <span className="flex gap-2">
              {filters.page > 1 ? (
                <Link href={`${base}/runs${filterQuery(filters, filters.page - 1)}`} className={buttonClass("secondary")}>
                  Newer
                </Link>
              ) : null}
              {filters.page < pages ? (
                <Link href={`${base}/runs${filterQuery(filters, filters.page + 1)}`} className={buttonClass("secondary")}>
                  Older
                </Link>
              ) : null}
            </span>
          </nav>
        </>
      )}
    </>
  );
}
