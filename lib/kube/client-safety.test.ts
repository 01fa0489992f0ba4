import { readFileSync, readdirSync } from "node:fs";
import pino from "pino";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "@/lib/log";
import { createAddressPolicy } from "./address-guard";
import { createKubeClient } from "./guarded-client";
import { KubeAccessError } from "./kube-access-error";
import { parseKubeconfig } from "./parse-kubeconfig";
import { watchSideEffects } from "./testing/no-side-effects";
import { type Listener, startListener, testTls } from "./testing/listener";
import type { ValidatedKubeconfig } from "./types";

const VALID = path.join(import.meta.dirname, "testdata/valid");
const TOKEN = "SECRET-TOKEN-DO-NOT-LEAK-7f3a9c";
const allowLoopback = createAddressPolicy(["127.0.0.0/8"]);
let listener: Listener;

beforeAll(async () => {
  listener = await startListener();
});
afterAll(() => listener.close());

async function caught(p: Promise<unknown>): Promise<KubeAccessError> {
  try {
    await p;
  } catch (err) {
    return err as KubeAccessError;
  }
  throw new Error("the request succeeded");
}

describe("building and using clients from accepted kubeconfigs", () => {
  const files = readdirSync(VALID).filter((f) => f.endsWith(".kubeconfig"));

  it.each(files)("%s: no file read, no process started", async (file) => {
    const bytes = readFileSync(path.join(VALID, file));
    const seen = await watchSideEffects(async () => {
      const parsed = parseKubeconfig(bytes, { policy: allowLoopback, context: "c1" });
      const server = `https://cluster.test:${listener.port}`;
      const config = { ...parsed.config!, cluster: { ...parsed.config!.cluster, server } };
      const client = createKubeClient(
        { kind: "kubeconfig", config },
        { policy: allowLoopback, resolve: async () => [{ address: "127.0.0.1" }], observe: () => {} },
      );
      // The corpus CA did not sign the listener's certificate: the call fails in TLS,
      // after every credential has been loaded and the connection made.
      const err = await caught(client.core.listNode());
      expect(err.code).toBe("tls");
      client.close();
    });
    expect(seen).toEqual([]);
  });
});

describe("secrets stay out of errors and logs", () => {
  it("a parsed or stored kubeconfig prints as a placeholder in JSON, inspect and pino", async () => {
    const { inspect } = await import("node:util");
    const { openKubeconfig, sealKubeconfig } = await import("./stored-kubeconfig");
    const parsed = parseKubeconfig(readFileSync(path.join(VALID, "basic-auth.kubeconfig")), {
      policy: allowLoopback,
    }).config!;
    const stored = openKubeconfig(sealKubeconfig(parsed).ciphertext);
    const log = createLogger("kube-test");
    const stream = (log as unknown as Record<symbol, { write: (s: string) => boolean }>)[
      pino.symbols.streamSym
    ]!;
    const lines: string[] = [];
    const spy = vi.spyOn(stream, "write").mockImplementation((line: string) => (lines.push(line), true));
    try {
      log.error({ config: parsed, user: stored.user, nested: { deeper: { stored } } }, "oops");
    } finally {
      spy.mockRestore();
    }
    for (const c of [parsed, stored]) {
      const shown = [
        JSON.stringify(c),
        JSON.stringify({ user: c.user }),
        inspect(c, { depth: 9 }),
        `${inspect(c.user)}`,
        ...lines,
      ].join("\n");
      expect(shown).not.toContain("hunter2-secret");
      expect(shown).toContain("redacted");
      expect(c.user.password).toBe("hunter2-secret");
    }
  });

  const config = (server: string): ValidatedKubeconfig => ({
    contextName: "c",
    cluster: { name: "k", server, caData: Buffer.from(testTls.caPem).toString("base64") },
    user: { name: "u", token: TOKEN },
  });

  it("a refused, a rejected and an echoing answer carry no token, CA or key", async () => {
    const refused = createKubeClient(
      { kind: "kubeconfig", config: config(`https://127.0.0.1:${listener.port}`) },
      { policy: createAddressPolicy([]), observe: () => {} },
    );
    const echoing = createKubeClient(
      { kind: "kubeconfig", config: config(`https://127.0.0.1:${listener.port}`) },
      { policy: allowLoopback, observe: () => {} },
    );
    listener.handle = (req, res) => {
      // A hostile server repeats the credential back in every place it can.
      const status = req.url?.includes("nodes") ? 403 : 401;
      res.writeHead(status, {
        "content-type": "application/json",
        "x-echo": String(req.headers.authorization),
      });
      res.end(
        JSON.stringify({
          kind: "Status",
          reason: "Forbidden",
          message: `denied for ${req.headers.authorization}`,
          code: status,
        }),
      );
    };
    const errors = [
      await caught(refused.version.getCode()),
      await caught(echoing.version.getCode()),
      await caught(echoing.core.listNode()),
    ];
    expect(errors.map((e) => e.code)).toEqual(["address-refused", "unauthorized", "forbidden"]);
    expect(errors[2]!.message).toContain("[redacted]");

    const written: string[] = [];
    // Capture what pino hands to its destination stream, whatever that stream writes to.
    const log = createLogger("kube-test");
    const stream = (log as unknown as Record<symbol, { write: (s: string) => boolean }>)[
      pino.symbols.streamSym
    ]!;
    const spy = vi.spyOn(stream, "write").mockImplementation((line: string) => (written.push(line), true));
    try {
      for (const err of errors) log.error({ err, cluster: "k" }, "cluster request failed");
    } finally {
      spy.mockRestore();
    }
    const everything = [
      ...errors.map((e) => `${e.message} ${JSON.stringify(e)} ${e.stack}`),
      ...written,
    ].join("\n");
    expect(written.join("")).toContain("cluster request failed");
    const ca = Buffer.from(testTls.caPem).toString("base64");
    for (const secret of [TOKEN, ca.slice(20, 60), "BEGIN CERTIFICATE"])
      expect(everything).not.toContain(secret);
    refused.close();
    echoing.close();
  });
});
