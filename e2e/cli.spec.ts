import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { addSandboxCluster, createApiToken } from "./seed";
import { newAccount, signUp } from "./helpers";

// The pystol CLI as people who use kubectl and gh expect it, run as a child process against the
// running stack: a hidden token at login, the team taken from the token, a read token that may
// plan, states typed as people type them, abort of a finished run, times with their zone.

test.describe.configure({ timeout: 300_000 });

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = path.join("cli", "bin.mjs");

/** Only what the CLI needs: no PYSTOL_* setting leaks in from the shell running the tests. */
const cliEnv = (configFile: string, extra: Record<string, string> = {}) => ({ NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: os.tmpdir(), PYSTOL_CONFIG: configFile, ...extra });

function cli(configFile: string, args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return test.step(`pystol ${args.join(" ")}`, () =>
    new Promise((resolve) => {
      const child = execFile(process.execPath, [BIN, ...args], { env: cliEnv(configFile, extraEnv), timeout: 150_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    }),
  );
}

/**
 * `pystol login` on a terminal: `script` gives it a pseudo-terminal, whose line discipline
 * echoes what is typed unless the program turns echo off. The token is typed once the prompt is
 * there, as a person would; the transcript is everything the terminal showed.
 */
function loginOnTerminal(configFile: string, server: string, token: string): Promise<{ code: number; transcript: string }> {
  const command = [process.execPath, BIN, "login", "--server", server].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("script", ["-qefc", command, "/dev/null"], { env: cliEnv(configFile, { TERM: "dumb" }), stdio: ["pipe", "pipe", "pipe"] });
  let transcript = "";
  let typed = false;
  return new Promise((resolve) => {
    const onOutput = (chunk: Buffer) => {
      transcript += chunk.toString();
      if (!typed && transcript.includes("API token")) {
        typed = true;
        child.stdin.write(`${token}\r`);
      }
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.on("close", (code) => resolve({ code: code ?? 1, transcript }));
  });
}

const TIMESTAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

test("the CLI hides the token, finds the team, lets a read token plan, and reads as kubectl and gh do", async ({ page, baseURL }) => {
  const account = newAccount("Cli Habits");
  const slug = await signUp(page, account);
  await addSandboxCluster(page, slug);
  const runToken = await createApiToken(slug, account.email, ["run"]);
  const readToken = await createApiToken(slug, account.email, ["read"]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "pystol-cli-habits-"));
  const config = path.join(dir, "config.json");

  // login at a terminal: the prompt is shown, the pasted token is not.
  const tty = await test.step("pystol login at a terminal", () => loginOnTerminal(config, baseURL!, runToken));
  expect(tty.code, tty.transcript).toBe(0);
  expect(tty.transcript).toContain("API token (pst_…, not shown):");
  expect(tty.transcript).toContain(`Logged in to`);
  expect(tty.transcript).not.toContain(runToken);
  expect(tty.transcript).not.toContain(runToken.slice(4, 16));
  expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ team: slug, token: runToken });
  // From a pipe (a script): read from standard input, not shown either.
  const piped = await cli(path.join(dir, "piped.json"), ["login", "--server", baseURL!], {}, `${readToken}\n`);
  expect(piped.code, piped.stderr).toBe(0);
  expect(piped.stdout + piped.stderr).not.toContain(readToken);
  expect(piped.stdout).toContain("as owner");

  // PYSTOL_SERVER and PYSTOL_TOKEN without a team: the token's own team.
  const noFile = path.join(dir, "none.json");
  const env = { PYSTOL_SERVER: baseURL!, PYSTOL_TOKEN: readToken };
  const clusters = await cli(noFile, ["clusters"], env);
  expect(clusters.code, clusters.stderr).toBe(0);
  expect(clusters.stdout).toMatch(/^NAME\s+KIND\s+STATUS\s+VERSION\s+NODES\s+CHECKED \(UTC\)\s+ID\n/);
  expect(clusters.stdout).toContain("sandbox");
  // A bad token is said to be one (the server's answer), not "not logged in".
  const bad = await cli(noFile, ["clusters"], { PYSTOL_SERVER: baseURL!, PYSTOL_TOKEN: "pst_nope" });
  expect(bad.code).toBe(3);
  expect(bad.stderr).toContain("Invalid or expired API token");

  // A read token plans (a dry run changes nothing) but does not start a run.
  const podKill = ["pod-kill", "--cluster", "sandbox", "--param", "namespace=shop", "--param", "labelSelector=app=cart", "--param", "count=1"];
  const plan = await cli(noFile, ["run", ...podKill, "--dry-run"], env);
  expect(plan.code, plan.stderr).toBe(0);
  expect(plan.stdout).toMatch(/^Dry run \S+: /);
  expect(plan.stdout).toMatch(/Pod shop\/cart-/);
  const denied = await cli(noFile, ["run", ...podKill], env);
  expect(denied.code).toBe(3);
  expect(denied.stderr).toContain("does not allow runs:create");

  // A run followed to its end: every line starts with its time.
  const done = await cli(config, ["run", ...podKill, "--wait"]);
  expect(done.code, done.stderr).toBe(0);
  const runId = /^Run (\S+):/m.exec(done.stdout)![1]!;
  const followed = done.stdout.split("\n").filter((l) => l && !l.startsWith("Run ") && !l.startsWith("  "));
  expect(followed.length).toBeGreaterThan(0);
  for (const line of followed) expect(line).toMatch(TIMESTAMPED);
  expect(done.stdout).toMatch(/Z state: succeeded/);
  expect(done.stdout).toContain(`Run ${runId} succeeded`);
  const logs = await cli(config, ["runs", "logs", runId]);
  expect(logs.code).toBe(0);
  for (const line of logs.stdout.trim().split("\n")) expect(line).toMatch(TIMESTAMPED);
  const again = await cli(config, ["runs", "logs", runId, "--follow"]);
  expect(again.code).toBe(0);
  for (const line of again.stdout.trim().split("\n")) expect(line).toMatch(TIMESTAMPED);

  // Aborting a finished run: said so, with its state, and a non-zero exit.
  const abort = await cli(config, ["runs", "abort", runId]);
  expect(abort.code).toBe(1);
  expect(abort.stderr).toMatch(new RegExp(`^pystol: run ${runId} was already finished \\(succeeded at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\); there is nothing to abort\\n$`));

  // States as people type them; shown in lower case; the table says its time zone.
  const ls = await cli(config, ["runs", "ls", "--state", "Succeeded,rolled-back,rolled_back"]);
  expect(ls.code, ls.stderr).toBe(0);
  expect(ls.stdout).toMatch(/^ID\s+ACTION\s+CLUSTER\s+STATE\s+QUEUED \(UTC\)\s+TARGETS\n/);
  expect(ls.stdout).toMatch(new RegExp(`${runId}\\s+pod-kill\\s+sandbox\\s+succeeded\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+1\\n`));
  const unknown = await cli(config, ["runs", "ls", "--state", "rolledback"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toBe(`pystol: "rolledback" is not a run state; use queued, running, succeeded, failed, cancelled, rolling-back, rolled-back, rollback-failed\nSee 'pystol runs ls --help' for usage.\n`);
  const get = await cli(config, ["runs", "get", runId]);
  expect(get.stdout).toMatch(/ {2}queued {3}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n/);

  // Help per command, the version, and usage mistakes in the CLI's own words.
  const help = await cli(config, ["run", "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("Usage:\n  pystol run <action> --cluster <name|id>");
  expect((await cli(config, ["--version"])).stdout).toMatch(/^pystol \d+\.\d+\.\d+\n$/);
  const wrong = await cli(config, ["runs", "ls", "--limit"]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toBe("pystol: --limit needs a value\nSee 'pystol runs ls --help' for usage.\n");
});
