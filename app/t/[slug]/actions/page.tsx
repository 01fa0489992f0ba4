import { describeCatalog } from "@/lib/actions";
import { requireTeamAccess } from "@/lib/tenancy";
import { roleAllows } from "@/lib/rbac/permissions";
import { fieldsFromSchema } from "@/app/_components/schema-fields";
import { Badge, ButtonLink, Card, PageHeader } from "@/app/_components/ui";

export const metadata = { title: "Available actions" };

// "Run kill pods", but "Run a job" rather than "Run run a job".
const runLabel = (title: string) => (/^run\b/i.test(title) ? title : `Run ${title.toLowerCase()}`);

const KIND_LABELS = { text: "text", integer: "whole number", number: "number", boolean: "yes / no", list: "list", select: "choice" } as const;

export default async function ActionsPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const canRun = roleAllows(ctx.role, "runs:create");
  return (
    <>
      <PageHeader
        title="Available actions"
        description="The faults you can inject. Every run is planned first: you see exactly what it would hit before anything changes."
      />
      <div className="space-y-4">
        {describeCatalog().map((action) => (
          <Card key={action.id}>
            <article aria-labelledby={`action-${action.id}`}>
              <div className="flex flex-wrap items-start justify-between gap-3">
                <div className="min-w-0">
                  <h2 id={`action-${action.id}`} className="text-base font-semibold">
                    {action.title} <span className="ml-1 font-mono text-xs font-normal text-slate-500">{action.id}</span>
                  </h2>
                  <p className="mt-1 max-w-3xl text-sm text-slate-600">{action.description}</p>
                </div>
                {canRun ? (
                  <ButtonLink href={`/t/${ctx.team.slug}/run?action=${action.id}`}>{runLabel(action.title)}</ButtonLink>
                ) : null}
              </div>
              <div className="mt-3 flex flex-wrap items-center gap-1.5 text-xs text-slate-600">
                <span>Needs the cluster credentials to allow:</span>
                {action.permissions.map((p) => (
                  <Badge key={p}>{p}</Badge>
                ))}
              </div>
              <details className="mt-3">
                <summary className="cursor-pointer text-sm font-medium text-slate-700">Parameters</summary>
                <dl className="mt-2 grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
                  {fieldsFromSchema(action.paramsSchema).map((f) => (
                    <div key={f.name} className="contents">
                      <dt className="font-medium text-slate-700">
                        {f.label}
                        {f.required ? <span className="text-red-600"> *</span> : null}
                      </dt>
                      <dd className="text-slate-600">
                        <span className="font-mono text-xs text-slate-500">{f.name}</span> · {KIND_LABELS[f.kind]}
                        {f.help ? ` · ${f.help}` : ""}
                      </dd>
                    </div>
                  ))}
                </dl>
              </details>
            </article>
          </Card>
        ))}
      </div>
    </>
  );
}
