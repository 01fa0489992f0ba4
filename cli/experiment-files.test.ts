import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiTestStack, type ApiTestStack, type Handler } from "@/lib/api/testing";
import * as applyRoute from "../app/api/v1/t/[slug]/experiments/apply/route";
import * as exportRoute from "../app/api/v1/t/[slug]/experiments/[experiment]/export/route";
import { main } from "./main";
import { parseCommandLine } from "./usage";

// pystol experiments validate (offline), apply and export: the CLI over real HTTP to the API's
// route handlers (served here by a small Node server), against the real database and sandbox.

const dir = mkdtempSync(path.join(os.tmpdir(), "pystol-files-"));
process.env.PYSTOL_CONFIG = path.join(dir, "no-config.json");

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { json: false, stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

const fileText = (name: string, count = 1, cluster = "sandbox") => `apiVersion: pystol.io/v1
kind: Experiment
metadata:
  name: ${name}
  cluster: ${cluster}
spec:
  stages:
    - name: lose a cart pod
      faults:
        - actionId: pod-kill
          params: { namespace: shop, labelSelector: app=cart, count: ${count} }
  checks:
    - name: cart replicas
      type: kubernetes
      check: { condition: workload-available, workload: Deployment, namespace: shop, name: cart, minAvailable: 1 }
`;

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("experiments validate (offline: no server, no login)", () => {
  it("says a valid file is valid (exit 0), and prints each problem as file:line:column (exit 1)", async () => {
    const ok = capture();
    const good = write("good.yaml", fileText("valid one"));
    expect(await main(["experiments", "validate", "-f", good], ok.io)).toBe(0);
    expect(ok.out.stdout).toBe(`${good}: valid (experiment "valid one")\n`);

    const bad = write("bad.yaml", fileText("bad one").replace("actionId: pod-kill", "actionId: pod-kil").replace("minAvailable: 1", "minAvailable: -1"));
    const no = capture();
    expect(await main(["experiments", "validate", "--file", bad], no.io)).toBe(1);
    const lines = no.out.stderr.trim().split("\n");
    expect(lines[0]).toBe(`${bad}:10:21: stage 1, fault 1, actionId: There is no action pod-kil; see the action catalogue.`);
    expect(lines[1]).toMatch(new RegExp(`^${bad.replace(/[.]/g, "\\.")}:15:\\d+: check 1, check`));
    expect(lines.at(-1)).toBe(`${bad}: 2 problems`);

    const json = capture();
    expect(await main(["experiments", "validate", `-f${bad}`, "--json"], json.io)).toBe(1);
    const answer = JSON.parse(json.out.stdout) as { valid: boolean; problems: unknown[] };
    expect(answer.valid).toBe(false);
    expect(answer.problems[0]).toMatchObject({ line: 10, column: 21, path: "spec.stages.0.faults.0.actionId", text: expect.stringMatching(/^line 10, column 21/) });

    const syntax = capture();
    expect(await main(["experiments", "validate", "-f", write("syntax.yaml", "apiVersion: pystol.io/v1\nkind: Experiment\nkind: Experiment\n")], syntax.io)).toBe(1);
    expect(syntax.out.stderr).toContain("syntax.yaml:3:1: This key appears twice in the same object; keep one.");
  });

  it("answers a missing or unreadable file as wrong usage (exit 2), and keeps -f as --follow for runs logs", async () => {
    const none = capture();
    expect(await main(["experiments", "validate"], none.io)).toBe(2);
    expect(none.out.stderr).toContain("experiments validate needs -f <file>");
    const missing = capture();
    expect(await main(["experiments", "validate", "-f", path.join(dir, "nope.yaml")], missing.io)).toBe(2);
    expect(missing.out.stderr).toContain("nope.yaml: no such file");
    expect(parseCommandLine(["runs", "logs", "r1", "-f"])).toMatchObject({ kind: "command", flags: { follow: true } });
    expect(parseCommandLine(["experiments", "apply", "-f", "x.yaml", "--dry-run"])).toMatchObject({ kind: "command", flags: { file: "x.yaml", "dry-run": true } });
    const help = capture();
    expect(await main(["experiments", "apply", "--help"], help.io)).toBe(0);
    expect(help.out.stdout).toContain("Exit code 0 applied (or unchanged), 1 the file is not valid");
    const overview = capture();
    await main(["--help"], overview.io);
    expect(overview.out.stdout).toMatch(/pystol experiments validate -f <file>[\s\S]*pystol experiments apply -f <file>[\s\S]*pystol experiments export <experiment>/);
  });
});

describe("experiments apply and export (against the API)", () => {
  let stack: ApiTestStack;
  let server: Server;
  let url: string;
  const cli = async (args: string[], token?: string) => {
    const c = capture();
    const code = await main([...args, "--server", url, "--team", stack.slug, "--token", token ?? stack.runToken], c.io);
    return { code, ...c.out };
  };

  beforeAll(async () => {
    stack = await startApiTestStack("Pipeline");
    // The API's route handlers behind plain HTTP, as next start serves them.
    server = createServer(async (req, res) => {
      const u = new URL(req.url ?? "/", "http://localhost");
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const apply = /^\/api\/v1\/t\/([^/]+)\/experiments\/apply$/.exec(u.pathname);
      const exp = /^\/api\/v1\/t\/([^/]+)\/experiments\/([^/]+)\/export$/.exec(u.pathname);
      const [handler, params]: [Handler | null, Record<string, string>] = apply
        ? [applyRoute.PUT, { slug: decodeURIComponent(apply[1]!) }]
        : exp
          ? [exportRoute.GET, { slug: decodeURIComponent(exp[1]!), experiment: decodeURIComponent(exp[2]!) }]
          : [null, {}];
      if (!handler) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"No such route."}}');
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === "string"));
      const answer = await handler(new NextRequest(u, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }), { params: Promise.resolve(params) });
      res.writeHead(answer.status, Object.fromEntries(answer.headers)).end(Buffer.from(await answer.arrayBuffer()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await stack.close();
  });

  it("creates, then says unchanged, then updates with the diff; --dry-run saves nothing", async () => {
    const file = write("cart.yaml", fileText("cart from ci"));
    const created = await cli(["experiments", "apply", "-f", file]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("+  name: cart from ci\n");
    expect(created.stdout).toMatch(/Experiment "cart from ci" created \(version 1\): \d+ lines added, 0 removed\n$/);

    const again = await cli(["experiments", "apply", "-f", file]);
    expect(again).toMatchObject({ code: 0, stdout: 'Experiment "cart from ci" unchanged (version 1); no new version\n' });

    const changed = write("cart.yaml", fileText("cart from ci", 2));
    const dry = await cli(["experiments", "apply", "-f", changed, "--dry-run"]);
    expect(dry.stdout).toContain("-            count: 1\n+            count: 2\n");
    expect(dry.stdout).toContain('Experiment "cart from ci" would be updated: 1 line added, 1 removed (dry run: nothing saved)');
    const updated = await cli(["experiments", "apply", "-f", changed, "--json"]);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ outcome: "updated", experiment: { version: 2 }, added: 1, removed: 1 });
  });

  it("exports YAML and JSON that validate offline and apply back unchanged", async () => {
    const yaml = await cli(["experiments", "export", "cart from ci"]);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/^# yaml-language-server: \$schema=http.*\/schemas\/experiment-v1\.json\napiVersion: pystol\.io\/v1\n/);
    const json = await cli(["experiments", "export", "cart from ci", "-o", "json"], stack.readToken);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: "Experiment", metadata: { name: "cart from ci", cluster: "sandbox" } });
    for (const [name, text] of [["exported.yaml", yaml.stdout], ["exported.json", json.stdout]] as const) {
      const file = write(name, text);
      expect((await main(["experiments", "validate", "-f", file], capture().io))).toBe(0);
      expect((await cli(["experiments", "apply", "-f", file])).stdout).toBe('Experiment "cart from ci" unchanged (version 2); no new version\n');
    }
    const wrong = await cli(["experiments", "export", "cart from ci", "-o", "toml"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('-o takes yaml or json (got "toml")');
    const unknown = await cli(["experiments", "export", "no such experiment"]);
    expect(unknown).toMatchObject({ code: 3, stderr: 'pystol: No experiment "no such experiment" in this team. (not_found)\n' });
  });

  it("exits 1 for a file that is not valid without asking the server, and 3 with file:line:column for the server's refusals", async () => {
    const invalid = await cli(["experiments", "apply", "-f", write("invalid.yaml", fileText("x").replace("kind: Experiment", "kind: Pod"))]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/invalid\.yaml:2:7: kind: kind is Experiment\.\npystol: .*invalid\.yaml was not applied: 1 problem\n$/);
    const cluster = write("cluster.yaml", fileText("elsewhere", 1, "nowhere"));
    const refused = await cli(["experiments", "apply", "-f", cluster]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${cluster}:5:12: cluster: The team has no cluster "nowhere"; name one of its clusters in metadata.cluster.`);
    const readOnly = await cli(["experiments", "apply", "-f", write("ro.yaml", fileText("read only"))], stack.readToken);
    expect(readOnly.code).toBe(3);
    expect(readOnly.stderr).toContain("(forbidden)");
  });
});
