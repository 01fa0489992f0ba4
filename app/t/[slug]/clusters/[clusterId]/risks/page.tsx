import Link from "next/link";
import { getTemplate, templateHref } from "@/lib/experiments/templates";
import { clusterRisks, RISK_RULES, RISKS_KEPT_PER_RULE, type RiskRule, type Severity } from "@/lib/risks";
import { plural } from "@/lib/text";
import { Badge, EmptyState, Table, Td } from "@/app/_components/ui";
import { Freshness } from "../_views/freshness";
import { openView, type ViewProps } from "../_views/load";
import { ViewProblem } from "../_views/view-problem";

export const metadata = { title: "Risks" };

const SEVERITY_TONE: Record<Severity, "red" | "amber" | "slate"> = { high: "red", medium: "amber", low: "slate" };

const RULE_LABELS: Record<RiskRule, string> = {
  "single-replica": "One replica",
  "pdb-blocks-drain": "Budget blocks drains",
  "no-pdb": "No disruption budget",
  "one-node": "All on one node",
  "one-zone": "All in one zone",
  "no-readiness-probe": "No readiness probe",
  "no-requests": "No resource requests",
  "hpa-min-one": "Autoscaler minimum 1",
};

// Beyond this many rows the table is a wall: the rule filter narrows it (the cache keeps as many per rule).
const MAX_ROWS = RISKS_KEPT_PER_RULE;

// Detected risks: what the cluster's own objects say about how it would take a fault, each with
// the template experiment that would prove or disprove it (its parameters filled in).
export default async function RisksPage(props: ViewProps) {
  const { ctx, cluster, path, search, force, refresh } = await openView(props, "risks");
  const result = await clusterRisks(cluster, force);
  const rule = typeof search.rule === "string" && (RISK_RULES as readonly string[]).includes(search.rule) ? (search.rule as RiskRule) : null;
  if (result.error) {
    return (
      <div className="space-y-4">
        <Freshness at={result.at} refreshHref={refresh} />
        <ViewProblem error={result.error} what="the cluster's risks" />
      </div>
    );
  }
  const { risks, workloads } = result.data;
  const counts = new Map(RISK_RULES.flatMap((r) => (result.data.counts[r] ? [[r, result.data.counts[r]] as const] : [])));
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const shown = rule ? risks.filter((r) => r.rule === rule) : risks;
  const shownTotal = rule ? (counts.get(rule) ?? 0) : total;
  const chip = (active: boolean) => `rounded-full px-2.5 py-1 text-xs font-medium ring-1 ${active ? "bg-brand-50 text-brand-700 ring-brand-300" : "text-slate-600 ring-slate-300 hover:bg-slate-50"}`;

  return (
    <div className="space-y-4">
      <Freshness at={result.at} refreshHref={refresh} />
      {total === 0 ? (
        <EmptyState title="This cluster looks fine">
          None of its {plural(workloads, "workload")} runs a single replica, lacks a disruption budget or has one that blocks drains, keeps every replica on one node or in one zone,
          lacks readiness probes or resource requests, or has an autoscaler that may go down to one replica. An experiment is still the way to know:{" "}
          <Link href={`/t/${ctx.team.slug}/experiments/templates`} className="text-brand-700 hover:underline">
            start from a template
          </Link>
          .
        </EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            {plural(total, "risk")} in {plural(workloads, "workload")}, read from the cluster&apos;s own objects. Each offers the experiment that would show whether it matters.
          </p>
          <nav aria-label="Filter risks" className="flex flex-wrap gap-2">
            <Link href={path} className={chip(rule === null)}>
              All {total.toLocaleString("en")}
            </Link>
            {RISK_RULES.filter((r) => counts.has(r)).map((r) => (
              <Link key={r} href={`${path}?rule=${r}`} className={chip(rule === r)}>
                {RULE_LABELS[r]} {counts.get(r)?.toLocaleString("en")}
              </Link>
            ))}
          </nav>
          <Table head={["Severity", "Objects", "Risk", "Experiment"]}>
            {shown.slice(0, MAX_ROWS).map((r, i) => {
              const template = r.suggestion ? getTemplate(r.suggestion.templateId) : undefined;
              return (
                <tr key={`${r.rule}-${r.namespace}-${r.title}-${i}`} data-testid="risk-row" className="align-top">
                  <Td>
                    <Badge tone={SEVERITY_TONE[r.severity]}>{r.severity}</Badge>
                  </Td>
                  <Td className="text-xs">
                    <div className="text-slate-500">{r.namespace}</div>
                    {r.objects.map((o) => (
                      <div key={`${o.kind}/${o.name}`} className="whitespace-nowrap">
                        {o.kind}/<span className="font-medium text-slate-800">{o.name}</span>
                      </div>
                    ))}
                  </Td>
                  <Td className="min-w-64">
                    <div className="font-medium text-slate-800">{r.title}</div>
                    <p className="mt-0.5 max-w-xl text-xs text-slate-600">{r.why}</p>
                  </Td>
                  <Td className="min-w-44 text-sm">
                    {r.suggestion && template ? (
                      <>
                        <Link href={templateHref(ctx.team.slug, template.id, r.suggestion.params, { cluster: cluster.id })} className="font-medium text-brand-700 hover:underline">
                          {template.title}
                        </Link>
                        <p className="text-xs text-slate-500">{r.suggestion.label}</p>
                      </>
                    ) : (
                      <span className="text-xs text-slate-500">no template fits its selector</span>
                    )}
                  </Td>
                </tr>
              );
            })}
          </Table>
          {shownTotal > Math.min(shown.length, MAX_ROWS) ? (
            <p className="text-sm text-slate-500">
              The first {Math.min(shown.length, MAX_ROWS)} of {shownTotal.toLocaleString("en")} are shown{rule ? "" : "; choose a kind of risk above to narrow the list"}.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
