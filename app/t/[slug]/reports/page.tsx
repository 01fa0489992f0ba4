import Link from "next/link";
import { db } from "@/lib/db";
import { buildReport, renderReportHtml, reportRequestSchema, ReportError, type Report } from "@/lib/resilience";
import { requireTeamAccess, scoped } from "@/lib/tenancy";
import { Alert, Button, Card, PageHeader } from "@/app/_components/ui";
import { buttonClass } from "@/app/_components/button";

export const metadata = { title: "Reports" };

const FIELD = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A report of one execution (?execution=) or of a range of the team or one experiment: its
 * preview (the printable page itself), and the printable page, PDF and JSON to take away.
 */
export default async function ReportsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireTeamAccess((await params).slug, "runs:read");
  const raw = Object.fromEntries(Object.entries(await searchParams).filter(([k, v]) => typeof v === "string" && v !== "" && ["execution", "experiment", "from", "to"].includes(k))) as Record<string, string>;
  const experiments = await db.experiment.findMany({ where: scoped(ctx), select: { id: true, name: true }, orderBy: { name: "asc" }, take: 500 });
  const parsed = reportRequestSchema.safeParse(raw);
  let report: Report | null = null;
  let problem: string | null = null;
  if (!parsed.success) problem = parsed.error.issues.map((i) => i.message).join(" ");
  else {
    try {
      report = await buildReport(ctx, parsed.data);
    } catch (err) {
      if (!(err instanceof ReportError)) throw err;
      problem = err.message;
    }
  }
  const api = `/api/v1/t/${ctx.team.slug}/reports?${new URLSearchParams(raw).toString()}`;
  const withFormat = (f: string) => `${api}${api.endsWith("?") ? "" : "&"}format=${f}`;
  const now = new Date();
  const range = report?.range;
  return (
    <>
      <PageHeader
        title="Reports"
        description={
          <>
            A report of one execution or of a time range, to print or attach to a review. The team&apos;s trends are on{" "}
            <Link href={`/t/${ctx.team.slug}/resilience`} className="text-brand-700 hover:underline">
              Resilience
            </Link>
            .
          </>
        }
      />
      <div className="space-y-4">
        {!raw.execution ? (
          <Card title="Range">
            <form method="get" className="flex flex-wrap items-end gap-3">
              <label className="space-y-1 text-sm">
                <span className="block font-medium text-slate-700">Experiment</span>
                <select name="experiment" defaultValue={report?.experiment?.id ?? raw.experiment ?? ""} className={FIELD}>
                  <option value="">All of the team</option>
                  {experiments.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </label>
              <label className="space-y-1 text-sm">
                <span className="block font-medium text-slate-700">From</span>
                <input type="date" name="from" defaultValue={range ? range.from.slice(0, 10) : day(new Date(now.getTime() - 30 * 86_400_000))} className={FIELD} />
              </label>
              <label className="space-y-1 text-sm">
                <span className="block font-medium text-slate-700">To</span>
                <input type="date" name="to" defaultValue={range ? day(new Date(Date.parse(range.to) - 1)) : day(now)} className={FIELD} />
              </label>
              <Button type="submit" variant="secondary">
                Show
              </Button>
            </form>
          </Card>
        ) : (
          <p className="text-sm">
            <Link href={`/t/${ctx.team.slug}/reports`} className="text-brand-700 hover:underline">
              A report of a time range instead
            </Link>
          </p>
        )}
        {problem ? <Alert>{problem}</Alert> : null}
        {report ? (
          <>
            <div className="flex flex-wrap gap-2">
              <a href={withFormat("pdf")} download className={buttonClass("primary")} data-testid="download-pdf">
                Download PDF
              </a>
              <a href={withFormat("json")} download className={buttonClass("secondary")} data-testid="download-json">
                Download JSON
              </a>
              <a href={withFormat("html")} target="_blank" rel="noopener" className={buttonClass("secondary")}>
                Printable page
              </a>
            </div>
            {/* The preview is the printable page itself, sandboxed: what the PDF will show. */}
            <iframe title="Report preview" srcDoc={renderReportHtml(report)} sandbox="" className="h-[75vh] w-full rounded-lg border border-slate-200 bg-white" data-testid="report-preview" />
          </>
        ) : null}
      </div>
    </>
  );
}
