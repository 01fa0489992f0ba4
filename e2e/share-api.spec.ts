import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { addSandboxCluster, createApiToken, expireShareLink } from "./seed";
import { newAccount, signUp } from "./helpers";

// The REST API, the pystol CLI (as a child process, the way a CI script runs it) and shared
// result links against the whole running stack: web app, worker, sandbox cluster, PostgreSQL.

// Several runs on a shared, busy machine (and first compiles under E2E_NEXT=dev) take minutes.
test.describe.configure({ timeout: 360_000 });

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(configFile: string, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return test.step(`pystol ${args.join(" ")}`, () => runCli(configFile, args, extraEnv));
}

function runCli(configFile: string, args: string[], extraEnv: Record<string, string>): Promise<CliResult> {
  // Only what the CLI needs: no PYSTOL_* settings leak in from the shell running the tests.
  const env = { NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: os.tmpdir(), PYSTOL_CONFIG: configFile, ...extraEnv };
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join("cli", "bin.mjs"), ...args], { env, timeout: 150_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

test("the CLI runs actions with --wait and its exit code says the outcome; share links open signed out", async ({ page, browser, baseURL }) => {
  const account = newAccount("Cli Person");
  const slug = await signUp(page, account);
  const sandbox = await addSandboxCluster(page, slug);
  const token = await createApiToken(slug, account.email, ["run"]);
  const config = path.join(mkdtempSync(path.join(os.tmpdir(), "pystol-cli-")), "config.json");

  // login finds the token's team and stores the server, team and token in a file only its
  // owner can read; a team the token does not belong to is refused and nothing is saved.
  const wrong = await cli(path.join(path.dirname(config), "wrong.json"), ["login", "--server", baseURL!, "--team", `${slug}-other`, "--token", token]);
  expect(wrong.code).not.toBe(0);
  expect(wrong.stderr).toContain("Team not found");
  expect(existsSync(path.join(path.dirname(config), "wrong.json"))).toBe(false);
  const login = await cli(config, ["login", "--server", baseURL!, "--token", token]);
  expect(login.code, login.stderr).toBe(0);
  expect(login.stdout).toContain(`(${slug})`);
  expect(login.stdout).toContain("as owner");
  expect(statSync(config).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(config, "utf8"))).toMatchObject({ team: slug });

  const clusters = await cli(config, ["clusters", "--json"]);
  expect(clusters.code, clusters.stderr).toBe(0);
  expect(JSON.parse(clusters.stdout)).toEqual([expect.objectContaining({ name: "sandbox", kind: "SANDBOX" })]);
  const actions = await cli(config, ["actions"]);
  expect(actions.stdout).toMatch(/pod-kill\s+Kill pods/);

  // Success: exit 0, progress streamed, the run recorded as succeeded.
  const ok = await cli(config, ["run", "pod-kill", "--cluster", "sandbox", "--param", "namespace=shop", "--param", "labelSelector=app=cart", "--param", "count=1", "--wait", "--json"]);
  expect(ok.code, ok.stderr).toBe(0);
  const okRun = JSON.parse(ok.stdout) as { run: { id: string; state: string } };
  expect(okRun.run.state).toBe("SUCCEEDED");
  expect(ok.stderr).toMatch(/state: succeeded/);

  // Failure in the cluster (the job exits 3): exit 1.
  const failed = await cli(config, ["run", "job", "--cluster", "sandbox", "--params-json", '{"image":"busybox:1.36","command":["sh","-c","echo broken; exit 3"],"timeoutSeconds":30}', "--wait"]);
  expect(failed.code, failed.stdout + failed.stderr).toBe(1);
  expect(failed.stdout).toMatch(/Run \S+ failed/);

  // Refused before anything happens (protected namespace), and an unknown cluster: exit 3.
  const refused = await cli(config, ["run", "pod-kill", "--cluster", "sandbox", "--param", "namespace=kube-system", "--param", "labelSelector=app=coredns", "--wait"]);
  expect(refused.code).toBe(3);
  expect(refused.stderr).toContain("protected_namespace");
  const unknown = await cli(config, ["run", "pod-kill", "--cluster", "nowhere", "--param", "namespace=shop", "--param", "labelSelector=app=cart", "--wait"]);
  expect(unknown.code).toBe(3);
  expect(unknown.stderr).toContain('No cluster "nowhere"');
  // Wrong usage: exit 2; a read-only token from the environment (CI) may list but not run.
  expect((await cli(config, ["run", "pod-kill"])).code).toBe(2);
  const readToken = await createApiToken(slug, account.email, ["read"]);
  const ciEnv = { PYSTOL_SERVER: baseURL!, PYSTOL_TEAM: slug, PYSTOL_TOKEN: readToken };
  const noFile = path.join(os.tmpdir(), "pystol-no-such-config.json");
  expect((await cli(noFile, ["runs", "ls", "--json"], ciEnv)).code).toBe(0);
  const denied = await cli(noFile, ["run", "pod-kill", "--cluster", "sandbox", "--param", "namespace=shop", "--param", "labelSelector=app=cart"], ciEnv);
  expect(denied.code).toBe(3);
  expect(denied.stderr).toContain("forbidden");

  const ls = await cli(config, ["runs", "ls", "--state", "succeeded", "--json"]);
  expect((JSON.parse(ls.stdout) as { id: string }[]).map((r) => r.id)).toContain(okRun.run.id);
  const logs = await cli(config, ["runs", "logs", okRun.run.id]);
  expect(logs.code).toBe(0);
  expect((await cli(config, ["runs", "get", okRun.run.id])).stdout).toContain("succeeded");

  // The session works for the API too, and the OpenAPI document is served.
  expect((await page.request.get(`/api/v1/t/${slug}/runs/${okRun.run.id}`)).status()).toBe(200);
  const doc = await (await page.request.get("/api/v1/openapi.json")).json();
  expect(doc.components.schemas.CreateRun.required).toEqual(["action", "cluster"]);

  // Share the successful run; the link opens signed out and shows the run, nothing secret.
  const shared = await cli(config, ["share", okRun.run.id, "--expires", "1d", "--json"]);
  expect(shared.code, shared.stderr).toBe(0);
  const link = JSON.parse(shared.stdout) as { id: string; url: string };
  const visitor = await browser.newContext();
  const anon = await visitor.newPage();
  const res = await anon.goto(link.url);
  expect(res?.status()).toBe(200);
  await expect(anon.getByRole("heading", { level: 1 })).toContainText("Kill pods");
  await expect(anon.getByText("Objects affected").first()).toBeVisible();
  await expect(anon.getByRole("cell", { name: /^cart-/ })).toBeVisible();
  // Parameters under the Run form's labels, as on the run page.
  const params = anon.locator("section").filter({ has: anon.getByRole("heading", { name: "Action and parameters" }) });
  await expect(params.getByRole("term").filter({ hasText: /^Label selector$/ })).toBeVisible();
  await expect(params).not.toContainText("labelSelector");
  await expect(anon.locator('meta[property="og:title"]')).toHaveAttribute("content", /Kill pods.*succeeded/);
  await expect(anon.locator('meta[name="description"]')).toHaveAttribute("content", /app=cart/);
  const html = await res!.text();
  const sandboxHost = new URL(sandbox.server).host;
  const secrets = [token, readToken, account.email, sandboxHost, sandbox.token, sandbox.kubeconfig.slice(0, 60), "certificate-authority-data", "client-key-data", "pst_"];
  for (const secret of secrets) expect(html, `the shared page shows ${secret.slice(0, 12)}…`).not.toContain(secret);
  await visitor.close();

  // Revoked: 404 at once. Expired: 404.
  expect((await cli(config, ["share", "revoke", link.id])).code).toBe(0);
  expect((await page.request.get(link.url)).status()).toBe(404);
  const second = JSON.parse((await cli(config, ["share", okRun.run.id, "--json"])).stdout) as { id: string; url: string };
  expect((await page.request.get(second.url)).status()).toBe(200);
  await expireShareLink(second.id);
  const gone = await page.request.get(second.url);
  expect(gone.status()).toBe(404);
  expect(await gone.text()).toContain("This shared link does not work");

  // The run page's Share panel: create a link (shown once), open it signed out, revoke it.
  await page.goto(`/t/${slug}/runs/${okRun.run.id}`);
  await page.getByLabel("Link works for").selectOption("30d");
  await page.getByRole("button", { name: "Create link" }).click();
  const shareBox = page.getByLabel("Share link", { exact: true });
  await expect(shareBox).toHaveValue(/\/r\/shr_/);
  const panelUrl = await shareBox.inputValue();
  expect((await page.request.get(panelUrl)).status()).toBe(200);
  const links = page.getByRole("list", { name: "Share links" });
  await expect(links.getByText("active")).toHaveCount(1);
  await links.getByRole("button", { name: "Revoke" }).click();
  await expect(links.getByText("active")).toHaveCount(0);
  expect((await page.request.get(panelUrl)).status()).toBe(404);
});
