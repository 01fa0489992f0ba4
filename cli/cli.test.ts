import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig, resolveSettings, writeConfig } from "./config";
import { UsageError } from "./context";
import { main } from "./main";
import { parseParams } from "./params";

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
  it("answers wrong usage with exit code 2 and help with 0", async () => {
    const a = capture();
    expect(await main(["--help"], a.io)).toBe(0);
    expect(a.out.stdout).toContain("pystol run <action>");
    const b = capture();
    expect(await main(["frobnicate"], b.io)).toBe(2);
    expect(b.out.stderr).toContain('unknown command "frobnicate"');
    expect(await main(["run", "--no-such-flag"], capture().io)).toBe(2);
    const c = capture();
    expect(await main(["run", "pod-kill"], c.io)).toBe(2);
    expect(c.out.stderr).toContain("--cluster");
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
});
