import { EXIT, UsageError, type CommandContext } from "../context";
import { followRun } from "../follow";
import { printJson, stamp } from "../output";
import { stateName } from "../states";
import { parseParams } from "../params";
import type { Plan, Run } from "../types";

/** The exit code of a finished run: 0 only when it succeeded. */
export const runExitCode = (run: Run): number => (run.state === "SUCCEEDED" ? EXIT.ok : EXIT.runFailed);

// pystol run <action> --cluster C [--param k=v ...] [--dry-run] [--confirm] [--wait]
export async function run(c: CommandContext): Promise<number> {
  const action = c.args[0];
  if (!action) throw new UsageError("run needs an action id, e.g. pystol run pod-kill --cluster demo --param namespace=shop --param labelSelector=app=cart");
  if (!c.flags.cluster) throw new UsageError("run needs --cluster <name or id>");
  const params = parseParams(c.flags.param, c.flags["params-json"]);
  const client = await c.client();
  const created = await client.request<{ run: Run; plan: Plan }>("/runs", {
    method: "POST",
    body: { action, cluster: c.flags.cluster, params, dryRun: Boolean(c.flags["dry-run"]), ...(c.flags.confirm ? { confirm: action } : {}) },
  });
  const { plan } = created;
  const say = (s: string) => (c.out.json ? c.out.stderr(s) : c.out.stdout(s));
  say(`${created.run.dryRun ? "Dry run" : "Run"} ${created.run.id}: ${plan.summary}\n`);
  for (const t of plan.targets) say(`  ${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}\n`);
  if (!c.flags.wait || created.run.finished) {
    if (c.out.json) printJson(c.out, created);
    else if (!created.run.dryRun) say(`Queued. Follow it with: pystol runs logs ${created.run.id} --follow\n`);
    return created.run.finished ? runExitCode(created.run) : EXIT.ok;
  }
  const done = await followRun(client, created.run.id, (e) => say(`${stamp(e.at)} ${e.text}\n`));
  if (c.out.json) printJson(c.out, { run: done, plan });
  else say(`Run ${done.id} ${stateName(done.state)}${done.error ? `: ${done.error}` : ""}\n`);
  return runExitCode(done);
}
