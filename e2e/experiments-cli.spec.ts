import { execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { addSandboxCluster, createApiToken } from "./seed";
import { newAccount, signUp } from "./helpers";

// Experiments from a CI pipeline: the pystol CLI as a child process runs an experiment against
// the whole stack (web app, worker, sandbox cluster) and its exit code is the verdict; Ctrl-C
// stops following and says how to abort; a shared execution opens signed out with nothing
// secret on it.

test.describe.configure({ timeout: 600_000 });

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const cliEnv = (config: string, server: string, token: string) => ({ NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: os.tmpdir(), PYSTOL_CONFIG: config, PYSTOL_SERVER: server, PYSTOL_TOKEN: token });

function cli(env: ReturnType<typeof cliEnv>, args: string[]): Promise<CliResult> {
  return test.step(`pystol ${args.join(" ")}`, () => new Promise<CliResult>((resolve) => {
    execFile(process.execPath, [path.join("cli", "bin.mjs"), ...args], { env, timeout: 300_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  }));
}

const checkout = { name: "checkout", type: "http", mode: "during", intervalSeconds: 1, target: { kind: "service", namespace: "shop", service: "frontend", port: "http", path: "/checkout" }, expect: { status: ["2xx"], maxLatencyMs: 2000 } };
const cartAvailable = { name: "cart available", type: "kubernetes", mode: "before-and-after", check: { condition: "workload-available", workload: "Deployment", namespace: "shop", name: "cart", minAvailable: 2 } };

test("pystol experiments run --wait exits with the verdict; Ctrl-C stops following; a shared execution shows nothing secret", async ({ page, browser, baseURL }) => {
  const account = newAccount("Pipeline Person");
  const slug = await signUp(page, account);
  const sandbox = await addSandboxCluster(page, slug);
  const token = await createApiToken(slug, account.email, ["run"]);
  const env = cliEnv(path.join(mkdtempSync(path.join(os.tmpdir(), "pystol-exp-")), "config.json"), baseURL!, token);
  const api = (p: string, body?: unknown) =>
    fetch(`${baseURL}/api/v1/t/${slug}${p}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const save = async (name: string, definition: object) => {
    const res = await api("/experiments", { name, cluster: sandbox.name, definition });
    expect(res.status, await res.clone().text()).toBe(201);
  };

  await save("cart survives", {
    description: "Checkout holds while a cart pod is killed.",
    stages: [{ name: "lose a cart pod", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }], waitAfterSeconds: 3 }],
    checks: [checkout, cartAvailable],
  });
  await save("shop without cart", {
    stages: [{ name: "scale cart to zero", faults: [{ actionId: "deployment-scale", params: { namespace: "shop", name: "cart", replicas: 0, durationSeconds: 120 } }] }],
    checks: [{ ...checkout, tolerance: { failures: 1 } }],
  });
  await save("needs a big cluster", {
    stages: [{ name: "kill", faults: [{ actionId: "pod-kill", params: { namespace: "shop", labelSelector: "app=cart", count: 1 } }] }],
    checks: [{ name: "many nodes", type: "kubernetes", mode: "before", check: { condition: "nodes-ready", minReady: 1000 } }],
  });
  await save("held recommendation", {
    stages: [{ name: "hold", faults: [{ actionId: "deployment-scale", params: { namespace: "shop", name: "recommendation", replicas: 1, durationSeconds: 300 } }] }],
    checks: [cartAvailable],
  });

  const ls = await cli(env, ["experiments", "ls"]);
  expect(ls.code, ls.stderr).toBe(0);
  expect(ls.stdout).toMatch(/^NAME\s+VERSION\s+CLUSTER\s+STAGES\s+FAULTS\s+CHECKS\s+LAST\s+SCORE\s+UPDATED \(UTC\)\n/);
  expect(ls.stdout).toMatch(/cart survives\s+1\s+sandbox\s+1\s+1\s+2\s+-\s+-\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);

  // Passed: exit 0, each stage, fault and check evaluation on its own line, then the verdict.
  const passed = await cli(env, ["experiments", "run", "cart survives", "--wait"]);
  expect(passed.code, passed.stdout + passed.stderr).toBe(0);
  expect(passed.stdout).toMatch(/^Execution \S+ of cart survives \(version 1\): (queued|checking)\n/);
  expect(passed.stdout).toMatch(/Z check cart available \(before\): pass[^]*Z stage 1 lose a cart pod: started[^]*Z check cart available \(after\): pass[^]*Z state: passed\n/);
  expect(passed.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stage 1 lose a cart pod: started$/m);
  expect(passed.stdout).toMatch(/Z fault 1\.1 Kill pods: (running|succeeded)/);
  expect(passed.stdout).toMatch(/Z check checkout \(during\): pass/);
  expect(passed.stdout).toMatch(/Z check cart available \(after\): pass/);
  expect(passed.stdout).toMatch(/Execution \S+ of cart survives: passed, score 100( — .*)?\n$/);

  // A stop condition trips: exit 1, and the reason names the check.
  const failed = await cli(env, ["experiments", "run", "shop without cart", "--wait", "--json"]);
  expect(failed.code, failed.stdout + failed.stderr).toBe(1);
  const failedExecution = JSON.parse(failed.stdout) as { id: string; verdict: string; reason: string; score: number };
  expect(failedExecution).toMatchObject({ verdict: "failed", reason: expect.stringMatching(/^stopped by checkout/) });
  expect(failed.stderr).toMatch(/check checkout: tripped, stopping the experiment/);

  // A before-check fails: nothing is injected, exit 3.
  const notStarted = await cli(env, ["experiments", "run", "needs a big cluster", "--wait"]);
  expect(notStarted.code, notStarted.stdout + notStarted.stderr).toBe(3);
  expect(notStarted.stdout).toMatch(/: not-started/);
  expect(notStarted.stdout).not.toMatch(/stage 1 kill: started/);

  // Ctrl-C while following: no prompt, the execution goes on, and the way to abort it is printed.
  const follower = spawn(process.execPath, [path.join("cli", "bin.mjs"), "experiments", "run", "held recommendation", "--wait"], { env });
  let out = "";
  let err = "";
  follower.stdout.on("data", (d: Buffer) => (out += d.toString()));
  follower.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => follower.on("exit", (code) => resolve(code)));
  await expect.poll(() => out, { timeout: 120_000 }).toMatch(/fault 1\.1 .*: running/);
  follower.kill("SIGINT");
  expect(await exited).toBe(130);
  const heldId = /^Execution (\S+) of held recommendation/.exec(out)![1]!;
  expect(err).toBe(`pystol: stopped following; execution ${heldId} goes on. Abort it with: pystol experiments abort ${heldId}\n`);
  const still = (await (await api(`/executions/${heldId}`)).json()) as { execution: { finished: boolean } };
  expect(still.execution.finished).toBe(false);
  const abort = await cli(env, ["experiments", "abort", heldId]);
  expect(abort.code, abort.stderr).toBe(0);
  expect(abort.stdout).toMatch(new RegExp(`^Execution ${heldId}: (stopping \\(every active fault is rolled back\\)|aborted)\\n$`));
  const aborted = await cli(env, ["experiments", "follow", heldId]);
  expect(aborted.code, aborted.stdout + aborted.stderr).toBe(3);
  expect(aborted.stdout).toMatch(/: aborted(, score \d+)? — aborted by /);
  const again = await cli(env, ["experiments", "abort", heldId]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(new RegExp(`^pystol: execution ${heldId} already ended \\(aborted at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\); there is nothing to abort\\n$`));

  const history = await cli(env, ["experiments", "executions", "shop without cart"]);
  expect(history.stdout).toMatch(/^EXECUTION\s+VERSION\s+STATE\s+SCORE\s+QUEUED \(UTC\)\s+REASON\n/);
  expect(history.stdout).toMatch(new RegExp(`^${failedExecution.id}\\s+1\\s+failed\\s+\\d+\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+stopped by checkout`, "m"));
  const get = await cli(env, ["experiments", "get", "cart survives"]);
  expect(get.stdout).toContain("Experiment cart survives (version 1)");
  expect(get.stdout).toMatch(/checkout\s+http\s+during\s+1 s\s+0 failures\s+yes/);
  expect(get.stdout).toMatch(/\S+\s+1\s+passed\s+100/);
  const missing = await cli(env, ["experiments", "run", "no such experiment"]);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toBe('pystol: No experiment "no such experiment" in this team. (not_found)\n');

  // Share the failed execution: the link opens signed out, shows the verdict, the timeline and
  // each check's values, and nothing secret.
  const created = await cli(env, ["experiments", "share", failedExecution.id, "--expires", "1d", "--json"]);
  expect(created.code, created.stderr).toBe(0);
  const shareLink = JSON.parse(created.stdout) as { url: string; executionId: string };
  expect(shareLink.executionId).toBe(failedExecution.id);
  expect(shareLink.url).toMatch(/\/e\/shr_/);
  const visitor = await browser.newContext();
  const anon = await visitor.newPage();
  const res = await anon.goto(shareLink.url);
  expect(res?.status()).toBe(200);
  await expect(anon.getByRole("heading", { level: 1 })).toContainText("shop without cart");
  await expect(anon.getByRole("heading", { level: 1 })).toContainText("failed");
  await expect(anon.getByRole("status")).toContainText("stopped by checkout");
  await expect(anon.getByRole("list", { name: "Timeline" })).toContainText("stop condition tripped: checkout");
  await expect(anon.getByRole("list", { name: "Timeline" })).toContainText("stage 1 started: scale cart to zero");
  const checkTable = anon.getByRole("region", { name: "Check checkout" });
  await expect(checkTable.getByRole("cell", { name: "fail" }).first()).toBeVisible();
  await expect(checkTable).toContainText("healthy <= 2000 ms");
  await expect(anon.getByText(`${failedExecution.score} / 100`)).toBeVisible();
  await expect(anon.locator('meta[property="og:title"]')).toHaveAttribute("content", /shop without cart: failed/);
  const html = await res!.text();
  const secrets = [token, account.email, new URL(sandbox.server).host, sandbox.token, sandbox.kubeconfig.slice(0, 60), "certificate-authority-data", "client-key-data", "pst_", sandbox.clusterId];
  for (const secret of secrets) expect(html, `the shared page shows ${secret.slice(0, 12)}…`).not.toContain(secret);
  await anon.setViewportSize({ width: 390, height: 844 });
  expect(await anon.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  // An execution's token is not a run's: the run page does not open it.
  expect((await anon.goto(shareLink.url.replace("/e/", "/r/")))?.status()).toBe(404);
  await visitor.close();
});
