import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig, resolveSettings, writeConfig } from "./config";
import { UsageError } from "./context";
import { main } from "./main";
import { parseParams } from "./params";
import { parseStates, stateName } from "./states";
import { alreadyHappened, changes } from "./follow-execution";
import { executionExitCode } from "./commands/experiments";
import type { Execution } from "./types";

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

describe("experiments", () => {
  it("answers wrong usage with exit code 2 and a sentence, and prints each subcommand's help", async () => {
    const none = capture();
    expect(await main(["experiments", "run"], none.io)).toBe(2);
    expect(none.out.stderr).toBe("pystol: experiments run needs an experiment's name or id (see pystol experiments ls)\nSee 'pystol experiments run --help' for usage.\n");
    const frob = capture();
    expect(await main(["experiments", "frob"], frob.io)).toBe(2);
    expect(frob.out.stderr).toContain('there is no command "experiments frob": experiments takes ls, get, run, executions, follow, abort, share, validate, apply or export');
    const flag = capture();
    expect(await main(["experiments", "ls", "--wait"], flag.io)).toBe(2);
    expect(flag.out.stderr).toContain("pystol experiments ls does not take --wait");
    const two = capture();
    expect(await main(["experiments", "run", "a", "b"], two.io)).toBe(2);
    expect(two.out.stderr).toContain("pystol experiments run takes one argument (got 2)");
    const abort = capture();
    expect(await main(["experiments", "abort"], abort.io)).toBe(2);
    expect(abort.out.stderr).toContain("experiments abort needs an execution id");
    const expires = capture();
    expect(await main(["experiments", "share", "x1", "--expires", "forever"], expires.io)).toBe(2);
    expect(expires.out.stderr).toContain("--expires must be one of 1d, 7d, 30d, never");
    const report = capture();
    expect(await main(["experiments", "report", "x1", "-o", "report.docx"], report.io)).toBe(2);
    expect(report.out.stderr).toContain("experiments report writes .pdf, .json or .html files; report.docx has none of these endings");
    const limit = capture();
    expect(await main(["experiments", "executions", "x", "--limit", "0"], limit.io)).toBe(2);
    expect(limit.out.stderr).toContain('--limit takes a whole number from 1 to 100 (got "0")');
    for (const [argv, usage, flagText] of [
      [["experiments", "run", "--help"], "pystol experiments run <experiment> [--confirm] [--wait]", "1 failed, 3 stopped, aborted or not started, 4 error"],
      [["experiments", "--help"], "pystol experiments ls", "--json"],
      [["help", "experiments", "abort"], "pystol experiments abort <execution>", "rolled back"],
      [["experiments", "follow", "-h"], "pystol experiments follow <execution>", "verdict"],
      [["experiments", "share", "--help"], "pystol experiments share <execution> [--expires 1d|7d|30d|never]", "--expires"],
      [["experiments", "report", "--help"], "pystol experiments report <execution> [-o report.pdf|report.json|report.html]", "-o, --output <x>      report: the file to write"],
    ] as const) {
      const a = capture();
      expect(await main([...argv], a.io), argv.join(" ")).toBe(0);
      expect(a.out.stdout).toContain(`Usage:\n  ${usage}`);
      expect(a.out.stdout).toContain(flagText);
    }
    const overview = capture();
    await main(["--help"], overview.io);
    expect(overview.out.stdout).toContain("pystol experiments run <experiment> [--confirm] [--wait]");
    expect(overview.out.stdout).toContain("0 passed · 1 failed · 3 stopped, aborted");
  });

  it("exits with the verdict's code", () => {
    const e = (state: string) => ({ state }) as Execution;
    expect(["PASSED", "FAILED", "STOPPED", "ABORTED", "NOT_STARTED", "ERROR"].map((s) => executionExitCode(e(s)))).toEqual([0, 1, 3, 3, 3, 4]);
  });

  it("tells what changed between two looks at an execution, one line each", () => {
    const base: Execution = {
      id: "x1",
      experiment: { id: "e1", name: "cart" },
      version: 1,
      state: "QUEUED",
      finished: false,
      verdict: null,
      reason: null,
      score: null,
      queuedAt: "2026-12-07T10:00:00.000Z",
      startedAt: null,
      finishedAt: null,
      trippedBy: null,
      stageIndex: null,
      stages: [{ index: 0, name: "lose a pod", startedAt: null, endedAt: null, faults: [{ index: 0, name: "Kill pods", actionId: "pod-kill", runId: null, state: null, summary: null, startedAt: null, finishedAt: null }] }],
      checks: [{ index: 0, name: "latency", mode: "during", samples: [], tripped: false }],
    };
    expect(changes(null, base).map((c) => c.text)).toEqual(["state: queued"]);
    expect(changes(base, base)).toEqual([]);
    const observing: Execution = {
      ...base,
      state: "OBSERVING",
      stages: [{ ...base.stages[0]!, startedAt: "2026-12-07T10:00:02.000Z", faults: [{ ...base.stages[0]!.faults[0]!, runId: "r1", state: "RUNNING", startedAt: "2026-12-07T10:00:02.500Z" }] }],
      checks: [
        {
          ...base.checks[0]!,
          samples: [
            { at: "2026-12-07T10:00:03.000Z", phase: "during", outcome: "pass", value: 120, observed: "200 in 120 ms" },
            { at: "2026-12-07T10:00:05.000Z", phase: "during", outcome: "fail", value: 900, observed: "503 in 900 ms" },
          ],
          tripped: true,
        },
      ],
    };
    // In the order it happened; what has no time of its own (a state seen now) comes last.
    expect(changes(base, observing).map((c) => c.text)).toEqual([
      "stage 1 lose a pod: started",
      "fault 1.1 Kill pods: running",
      "check latency (during): pass — 200 in 120 ms",
      "check latency (during): fail — 503 in 900 ms",
      "state: observing",
      "check latency: tripped, stopping the experiment",
    ]);
    expect(changes(base, observing)[2]!.at).toBe("2026-12-07T10:00:03.000Z");
    // A start answered when the fault already runs: the first look's own lines, without its state.
    expect(alreadyHappened(base)).toEqual([]);
    expect(alreadyHappened(observing).map((c) => c.text)).toEqual([
      "stage 1 lose a pod: started",
      "fault 1.1 Kill pods: running",
      "check latency (during): pass — 200 in 120 ms",
      "check latency (during): fail — 503 in 900 ms",
      "check latency: tripped, stopping the experiment",
    ]);
    const ended: Execution = {
      ...observing,
      state: "FAILED",
      finished: true,
      finishedAt: "2026-12-07T10:00:10.000Z",
      stages: [{ ...observing.stages[0]!, endedAt: "2026-12-07T10:00:09.000Z", faults: [{ ...observing.stages[0]!.faults[0]!, state: "ROLLED_BACK", finishedAt: "2026-12-07T10:00:08.000Z" }] }],
    };
    expect(changes(observing, ended).map((c) => c.text)).toEqual(["fault 1.1 Kill pods: rolled-back", "stage 1 lose a pod: ended", "state: failed"]);
  });
});
