import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db";
import { buildFromTemplate, getTemplate, templateFields, templateFormValues } from "@/lib/experiments/templates";
import { roleAllows } from "@/lib/rbac/permissions";
import { scoped, requireTeamAccess } from "@/lib/tenancy";
import { Badge, ButtonLink, Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { describeCheck, modeText } from "../../[id]/definition-summary";
import { EXECUTION_LABELS, EXECUTION_TONES } from "../../format";
import { TemplateForm } from "./template-form";

type Props = { params: Promise<{ slug: string; templateId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props) {
  return { title: getTemplate((await params).templateId)?.title ?? "Template" };
}

// One template: what it teaches, what it does with the parameters given (the defaults, or a
// detected risk's link), and the form that creates the experiment.
export default async function TemplatePage({ params, searchParams }: Props) {
  const { slug, templateId } = await params;
  const ctx = await requireTeamAccess(slug, "runs:read");
  const template = getTemplate(templateId);
  if (!template) notFound();
  const search = await searchParams;
  const base = `/t/${ctx.team.slug}/experiments`;
  const fields = templateFields(template);
  const values = templateFormValues(template, search);
  const built = buildFromTemplate(template, values);
  const preview = built.ok ? built : buildFromTemplate(template, {});
  const clusters = await db.cluster.findMany({ where: scoped(ctx), orderBy: { createdAt: "asc" }, select: { id: true, name: true } });
  const wanted = typeof search.cluster === "string" ? search.cluster : undefined;
  const clusterId = clusters.find((c) => c.id === wanted)?.id ?? clusters[0]?.id ?? "";
  const canCreate = roleAllows(ctx.role, "runs:create");
  const initial = { name: preview.ok ? preview.name : "", clusterId, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`p.${k}`, v])) };

  return (
    <>
      <div className="mb-2">
        <Link href={`${base}/templates`} className="text-xs text-slate-500 hover:text-slate-800">
          ← Templates
        </Link>
      </div>
      <PageHeader title={template.title} description={template.summary} />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <div className="space-y-4">
          <Card title="What it teaches">
            <p className="text-sm text-slate-700">{template.teaches}</p>
          </Card>
          <Card title="On the demo shop">
            <p className="text-sm text-slate-700">
              <Badge tone={EXECUTION_TONES[template.demo.verdict]}>{EXECUTION_LABELS[template.demo.verdict]}</Badge> <span className="ml-1">{template.demo.why}</span>
            </p>
          </Card>
          {preview.ok ? (
            <Card title="What it does">
              <p className="text-sm text-slate-700">{preview.definition.description}</p>
              <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Faults</h3>
              <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm text-slate-700">
                {preview.definition.stages.map((s, i) => (
                  <li key={i}>
                    {s.faults.length === 1 && s.faults[0]!.name === s.name ? s.name : `${s.name}: ${s.faults.map((f) => f.name ?? f.actionId).join(" and ")}`}
                  </li>
                ))}
              </ol>
              <h3 className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Checks</h3>
              <ul className="mt-1 space-y-1 text-sm text-slate-700">
                {preview.definition.checks.map((c) => (
                  <li key={c.name} className="break-words">
                    <span className="font-medium">{c.name}</span> <span className="text-slate-500">({modeText(c)})</span>: {describeCheck(c)}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
        </div>
        <Card title="Make it an experiment">
          {!canCreate ? (
            <p className="text-sm text-slate-600">A member of the team can create an experiment from this template.</p>
          ) : clusters.length === 0 ? (
            <EmptyState title="No cluster to experiment on" action={<ButtonLink href={`/t/${ctx.team.slug}/clusters`}>Go to clusters</ButtonLink>}>
              Connect a cluster or add a sandbox cluster first.
            </EmptyState>
          ) : (
            <TemplateForm slug={ctx.team.slug} templateId={template.id} clusters={clusters} fields={fields} initial={initial} />
          )}
        </Card>
      </div>
    </>
  );
}
