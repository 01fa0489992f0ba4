import child_process from "node:child_process";
import fs, { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy } from "./address-guard";
import { KubeconfigError } from "./kubeconfig-error";
import { parseKubeconfig } from "./parse-kubeconfig";
import { watchSideEffects } from "./testing/no-side-effects";

const HOSTILE = path.join(import.meta.dirname, "testdata/kubeconfigs");
const VALID = path.join(import.meta.dirname, "testdata/valid");
const TOKEN = "SECRET-TOKEN-DO-NOT-LEAK-7f3a9c";
const policy = createAddressPolicy([]);

type Case = { rule: string; path?: string };
const cases = JSON.parse(readFileSync(path.join(HOSTILE, "cases.json"), "utf8")) as Record<string, Case>;
const files = new Map<string, Buffer>();

beforeAll(() => {
  for (const dir of [HOSTILE, VALID]) {
    for (const f of readdirSync(dir))
      if (f.endsWith(".kubeconfig")) files.set(path.join(dir, f), readFileSync(path.join(dir, f)));
  }
});

function refusal(input: Buffer | string, context?: string): KubeconfigError {
  try {
    parseKubeconfig(input, { policy, context });
  } catch (err) {
    if (err instanceof KubeconfigError) return err;
    throw err;
  }
  throw new Error("accepted");
}

describe("side-effect watcher", () => {
  it("sees file reads and process starts, named or default imports", async () => {
    const seen = await watchSideEffects(async () => {
      readFileSync(path.join(HOSTILE, "cases.json"));
      child_process.spawnSync("true");
      await fs.promises.readFile(path.join(HOSTILE, "cases.json"));
    });
    const names = seen.map((s) => s.split("(")[0]);
    expect(names).toEqual(
      expect.arrayContaining(["child_process.spawnSync", "fs.readFileSync", "fs.promises.readFile"]),
    );
  });
});

describe("hostile kubeconfig corpus", () => {
  it("has at least 30 cases and every file is listed", () => {
    const onDisk = readdirSync(HOSTILE)
      .filter((f) => f.endsWith(".kubeconfig"))
      .sort();
    expect(Object.keys(cases).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(cases))("%s is refused with its rule", async (file, expected) => {
    const bytes = files.get(path.join(HOSTILE, file))!;
    let err: KubeconfigError | undefined;
    const effects = await watchSideEffects(() => {
      err = refusal(bytes);
    });
    expect(effects).toEqual([]);
    expect(err!.rule).toBe(expected.rule);
    if (expected.path) expect(err!.path).toBe(expected.path);
    if (expected.path) expect(err!.message).toContain(expected.path.split(".").pop()!);
    expect(err!.message).not.toContain(TOKEN);
    expect(err!.message).not.toContain("hunter2");
  });

  it("names the entry and the field in people's terms", () => {
    const err = refusal(files.get(path.join(HOSTILE, "exec-plugin.kubeconfig"))!);
    expect(err.message).toMatch(/^users\[0\] "u1" → user\.exec: exec credential plugins/);
  });

  it("admits an allowlisted literal address", () => {
    const bytes = files.get(path.join(HOSTILE, "server-loopback.kubeconfig"))!;
    const parsed = parseKubeconfig(bytes, { policy: createAddressPolicy(["127.0.0.0/8"]) });
    expect(parsed.config?.cluster.server).toBe("https://127.0.0.1:6443");
  });

  it("refuses http unless the operator allows it", () => {
    const bytes = files.get(path.join(HOSTILE, "http-server.kubeconfig"))!;
    const allowHttp = createAddressPolicy([], true);
    expect(parseKubeconfig(bytes, { policy: allowHttp }).config?.cluster.server).toBe(
      "http://k8s.example.com:8080",
    );
  });
});

describe("accepted kubeconfigs", () => {
  const load = (name: string) => files.get(path.join(VALID, `${name}.kubeconfig`))!;

  it("reduces a token kubeconfig without reading files or starting processes", async () => {
    let parsed: ReturnType<typeof parseKubeconfig> | undefined;
    expect(await watchSideEffects(() => (parsed = parseKubeconfig(load("token"), { policy })))).toEqual([]);
    expect(parsed!.config).toMatchObject({
      contextName: "c1",
      cluster: { name: "k1", server: "https://k8s.example.com:6443" },
      user: { name: "u1", token: TOKEN },
    });
    expect(parsed!.config!.cluster.caData).toMatch(/^LS0t/);
  });

  it("accepts client certificates and basic auth", () => {
    const cert = parseKubeconfig(load("client-certificate"), { policy }).config!;
    expect(cert.user.certData).toBeTruthy();
    expect(cert.user.keyData).toBeTruthy();
    expect(parseKubeconfig(load("basic-auth"), { policy }).contexts[0]!.auth).toBe("basic");
  });

  it("lists contexts and reduces to the current or the chosen one", () => {
    const parsed = parseKubeconfig(load("multi-context"), { policy });
    expect(parsed.contexts.map((c) => [c.name, c.auth, c.server])).toEqual([
      ["c1", "token", "https://a.example.com"],
      ["c2", "basic", "https://b.example.com/proxy/k8s"],
    ]);
    expect(parsed.config!.contextName).toBe("c2");
    expect(parsed.config!.cluster.tlsServerName).toBe("kubernetes");
    const chosen = parseKubeconfig(load("multi-context"), { policy, context: "c1" }).config!;
    expect(chosen).toMatchObject({ namespace: "team-a", user: { token: TOKEN } });
    expect(JSON.stringify(parsed.contexts)).not.toContain(TOKEN);
  });

  it("asks for a choice when several contexts and no current one", () => {
    const parsed = parseKubeconfig(load("multi-context-no-current"), { policy });
    expect(parsed.config).toBeNull();
    expect(parsed.contexts).toHaveLength(2);
    expect(refusal(load("multi-context-no-current"), "nope").rule).toBe("unknown-context");
  });
});
