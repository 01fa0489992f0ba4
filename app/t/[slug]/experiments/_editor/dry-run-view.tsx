import type { ExperimentPlan } from "@/lib/experiments";
import { Alert, Badge, Card, Table, Td } from "@/app/_components/ui";
import { PlanView } from "../../run/plan-view";
import { OUTCOME_TONES } from "../format";

/** An experiment's dry run: per fault step what it would hit or why it is refused; per check its value now and whether the credentials allow it. */
export function DryRunView({ plan }: { plan: ExperimentPlan }) {
  return (
    <Card title="Dry run">
      <div className="space-y-4" data-testid="dry-run">
        {plan.ready ? (
          <Alert tone="green">Every fault plans and no refusal stands: the experiment can run. Nothing has changed in the cluster.</Alert>
        ) : (
          <Alert tone="amber">
            <p className="font-medium">The experiment cannot start as it is.</p>
            {plan.problems.length > 0 ? (
              <ul className="mt-1 list-disc pl-5">
                {plan.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : null}
          </Alert>
        )}
        {plan.confirmReason ? (
          <Alert tone="amber">
            <span className="font-medium">Running it needs your confirmation. </span>
            {plan.confirmReason}
          </Alert>
        ) : null}
        {plan.stages.map((stage, si) => (
          <section key={si} className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-700">
              Stage {si + 1}: {stage.name}
            </h3>
            {stage.faults.map((fault, fi) => (
              <div key={fi} className="min-w-0 space-y-2 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200">
                <p className="text-sm font-medium">
                  {fault.name}
                  {fault.name !== fault.actionTitle ? <span className="font-normal text-slate-500"> · {fault.actionTitle}</span> : null}
                </p>
                {fault.refusal ? (
                  <Alert>
                    <span className="font-medium">Refused: </span>
                    {fault.refusal.message}
                  </Alert>
                ) : null}
                {fault.plan ? <PlanView plan={fault.plan} /> : null}
                {fault.confirmReason ? <p className="text-xs text-amber-800">Needs confirmation: {fault.confirmReason}</p> : null}
              </div>
            ))}
          </section>
        ))}
        <section className="space-y-2">
          <h3 className="text-sm font-semibold text-slate-700">Checks, evaluated once now</h3>
          <Table head={["Check", "Mode", "Now", "Observed", "Credentials"]}>
            {plan.checks.map((c) => (
              <tr key={c.index}>
                <Td className="font-medium">{c.name}</Td>
                <Td className="whitespace-nowrap">{c.mode}</Td>
                <Td>
                  <Badge tone={OUTCOME_TONES[c.result.outcome]}>{c.result.outcome}</Badge>
                </Td>
                <Td className="min-w-48">{c.result.observed}</Td>
                <Td className="min-w-40">
                  {c.access === null ? (
                    <span className="text-slate-500">none needed</span>
                  ) : c.access.allowed ? (
                    <Badge tone="green">allowed</Badge>
                  ) : (
                    <span className="text-red-700">
                      {c.access.problem ??
                        `Not allowed: ${c.access.permissions
                          .filter((p) => p.allowed !== true)
                          .map((p) => p.label)
                          .join(", ")}`}
                    </span>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        </section>
      </div>
    </Card>
  );
}
