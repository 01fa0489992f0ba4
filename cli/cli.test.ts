import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig, resolveSettings, writeConfig } from "./config";
import { UsageError } from "./context";
import { main } from "./main";
import { parseParams } from "./params";
import { parseStates, stateName } from "./states";

// The CLI's own logic; against the running server it is tested in e2e/share-api.spec.ts.

function capture() {
  const out = { stdout: "", stderr: "" };
  return { out, io: { json: false, stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

describe("parseParams", () => {
  it("reads JSON-looking values as JSON and everything else as strings", () => {
    expect(parseParams(["namespace=shop", "labelSelector=app=cart", "count=2", "dry=true", "command=[\"sh\",\"-c\"]", "name=007x"])).toEqual({
      namespace: "shop",
      labelSelector: "app=cart",
      count: 2,
      dry: true,
      command: ["sh", "-c"],
      name: "007x",
    });
    expect(parseParams(["count=3"], '{"namespace":"shop","count":1}')).toEqual({ namespace: "shop", count: 3 });
  });

  it("refuses pairs without a name and JSON that is not an object", () => {
    expect(() => parseParams(["=x"])).toThrow(UsageError);
    expect(() => parseParams(["novalue"])).toThrow(UsageError);
    expect(() => parseParams([], "[1]")).toThrow(UsageError);
  });
});

describe("config", () => {
  it("writes a file only its owner can read, and the environment wins over it", async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "pystol-cfg-")), "sub", "config.json");
    await writeConfig({ server: "http://a", team: "t", token: "pst_file" }, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    writeFileSync(file, "{}", { mode: 0o644 });
    await writeConfig({ server: "http://a", team: "t", token: "pst_file" }, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readConfig(file)).toEqual({ server: "http://a", team: "t", token: "pst_file" });
    const env = { NODE_ENV: "test", PYSTOL_CONFIG: file, PYSTOL_TOKEN: "pst_env" } as NodeJS.ProcessEnv;
    expect(await resolveSettings({}, env)).toEqual({ server: "http://a", team: "t", token: "pst_env" });
    expect(await resolveSettings({ team: "flag" }, env)).toMatchObject({ team: "flag" });
  });
});

describe("main", () => {
  it("answers wrong usage with exit code 2 and sentences of its own, and help with 0", async () => {
    const a = capture();
    expect(await main(["--help"], a.io)).toBe(0);
    expect(a.out.stdout).toContain("pystol run <action>");
    const b = capture();
    expect(await main(["frobnicate"], b.io)).toBe(2);
    expect(b.out.stderr).toBe("pystol: there is no command \"frobnicate\"\nSee 'pystol --help' for usage.\n");
    const c = capture();
    expect(await main(["run", "pod-kill"], c.io)).toBe(2);
    expect(c.out.stderr).toBe("pystol: run needs --cluster <name or id>\nSee 'pystol run --help' for usage.\n");
    // Node's parser says "Unknown option '--no-such-flag'. To specify a positional argument…".
    const d = capture();
    expect(await main(["run", "--no-such-flag"], d.io)).toBe(2);
    expect(d.out.stderr).toBe("pystol: there is no flag --no-such-flag\nSee 'pystol run --help' for usage.\n");
    const e = capture();
    expect(await main(["runs", "ls", "--state"], e.io)).toBe(2);
    expect(e.out.stderr).toContain("pystol: --state needs a value\n");
    const f = capture();
    expect(await main(["runs", "ls", "--follow"], f.io)).toBe(2);
    expect(f.out.stderr).toBe("pystol: pystol runs ls does not take --follow\nSee 'pystol runs ls --help' for usage.\n");
    const g = capture();
    expect(await main(["clusters", "extra"], g.io)).toBe(2);
    expect(g.out.stderr).toContain('pystol clusters takes no arguments (got "extra")');
    const h = capture();
    expect(await main(["runs", "frob"], h.io)).toBe(2);
    expect(h.out.stderr).toContain('there is no command "runs frob": runs takes ls, get, logs or abort');
    const none = capture();
    expect(await main([], none.io)).toBe(0);
    expect(none.out.stdout).toContain("Usage:\n  pystol login");
  });

  it("prints each command's own help, and the version", async () => {
    for (const [argv, usage, flag] of [
      [["run", "--help"], "pystol run <action> --cluster <name|id>", "--dry-run"],
      [["runs", "ls", "--help"], "pystol runs ls [--state <state>,...]", "rolled-back"],
      [["runs", "logs", "-h"], "pystol runs logs <run> [--follow]", "--follow"],
      [["help", "share", "revoke"], "pystol share revoke <link>", "--json"],
      [["login", "--help"], "pystol login --server <url>", "--token"],
    ] as const) {
      const a = capture();
      expect(await main([...argv], a.io), argv.join(" ")).toBe(0);
      expect(a.out.stdout).toContain(`Usage:\n  ${usage}`);
      expect(a.out.stdout).toContain(flag);
    }
    const run = capture();
    await main(["run", "--help"], run.io);
    expect(run.out.stdout).not.toContain("--follow");
    const v = capture();
    expect(await main(["--version"], v.io)).toBe(0);
    expect(v.out.stdout).toMatch(/^pystol \d+\.\d+\.\d+\n$/);
  });

  it("exits 3 with the reason when the server cannot be reached", async () => {
    const a = capture();
    const prev = { ...process.env };
    Object.assign(process.env, { PYSTOL_SERVER: "http://127.0.0.1:9", PYSTOL_TEAM: "t", PYSTOL_TOKEN: "pst_x", PYSTOL_CONFIG: "/nonexistent/pystol.json" });
    try {
      expect(await main(["clusters", "--json"], a.io)).toBe(3);
    } finally {
      process.env = prev;
    }
    expect(JSON.parse(a.out.stdout)).toMatchObject({ error: { code: "unreachable" } });
  });

  it("says which setting is missing", async () => {
    const prev = { ...process.env };
    const run = async (env: Record<string, string>) => {
      const a = capture();
      process.env = { NODE_ENV: "test", PYSTOL_CONFIG: "/nonexistent/pystol.json", ...env };
      try {
        return { code: await main(["clusters"], a.io), stderr: a.out.stderr };
      } finally {
        process.env = prev;
      }
    };
    expect(await run({})).toEqual({ code: 2, stderr: "pystol: not logged in: run pystol login --server <url>, or set PYSTOL_SERVER and PYSTOL_TOKEN\nSee 'pystol clusters --help' for usage.\n" });
    expect((await run({ PYSTOL_SERVER: "http://127.0.0.1:9" })).stderr).toContain("no API token: pass --token or set PYSTOL_TOKEN");
    expect((await run({ PYSTOL_TOKEN: "pst_x" })).stderr).toContain("no server: pass --server <url> or set PYSTOL_SERVER");
  });
});

describe("states", () => {
  it("reads states as people type them, in any case, and refuses unknown ones listing the valid ones", () => {
    expect(parseStates("rolled-back,Rolled_Back, FAILED ,rolled back")).toEqual(["ROLLED_BACK", "ROLLED_BACK", "FAILED", "ROLLED_BACK"]);
    expect(() => parseStates("rolledback")).toThrow('"rolledback" is not a run state; use queued, running, succeeded, failed, cancelled, rolling-back, rolled-back, rollback-failed');
    expect(() => parseStates(",")).toThrow(UsageError);
    expect(stateName("ROLLBACK_FAILED")).toBe("rollback-failed");
  });
});
