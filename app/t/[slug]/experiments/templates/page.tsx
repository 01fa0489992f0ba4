import Link from "next/link";
import { TEMPLATES } from "@/lib/experiments/templates";
import { requireTeamAccess } from "@/lib/tenancy";
import { Badge, PageHeader } from "@/app/_components/ui";
import { EXECUTION_LABELS, EXECUTION_TONES } from "../format";

export const metadata = { title: "Experiment templates" };

// The template library: ready experiments for common Kubernetes services. Choosing one opens
// its explanation and a form for its parameters.
export default async function TemplatesPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const base = `/t/${ctx.team.slug}/experiments`;
  return (
    <>
      <div className="mb-2">
        <Link href={base} className="text-xs text-slate-500 hover:text-slate-800">
          ← Experiments
        </Link>
      </div>
      <PageHeader
        title="Templates"
        description="Ready experiments for what commonly goes wrong in a Kubernetes cluster. Choose one, fill in your services, and it becomes an experiment of the team that you can dry-run and run."
      />
      <ul className="grid gap-4 md:grid-cols-2">
        {TEMPLATES.map((t) => (
          <li key={t.id}>
            <Link
              href={`${base}/templates/${t.id}`}
              className="flex h-full flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition hover:border-brand-300 hover:shadow"
            >
              <span className="flex flex-wrap items-center justify-between gap-2">
                <span className="font-medium text-brand-700">{t.title}</span>
                <span className="text-xs text-slate-500">{t.fault}</span>
              </span>
              <span className="mt-1 text-sm text-slate-600">{t.summary}</span>
              <span className="mt-3 flex items-center gap-2 text-xs text-slate-500">
                On the demo shop: <Badge tone={EXECUTION_TONES[t.demo.verdict]}>{EXECUTION_LABELS[t.demo.verdict]}</Badge>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
