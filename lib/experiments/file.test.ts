import { describe, expect, it } from "vitest";
import { describeCatalog } from "@/lib/actions";
import { parseDefinition } from "./definition";
import {
  describeProblem,
  experimentFileJsonSchema,
  experimentFileOf,
  formatExperimentFile,
  parseExperimentFile,
  positionOf,
  sameDefinition,
  type ExperimentFile,
} from "./file";
import { lineDiff, unifiedDiff } from "./line-diff";
import { whereOf } from "./where";

// The experiment file: YAML and JSON read with the one schema, every problem at its line and
// column, the stored definition and the file round-trip without loss, and the published schema.

const FILE = `# yaml-language-server: $schema=https://pystol.example/schemas/experiment-v1.json
apiVersion: pystol.io/v1
kind: Experiment
metadata:
  name: checkout survives a cart pod loss
  cluster: shop
spec:
  description: "Checkout stays fast: yes, even while a cart pod is killed."
  recoveryWindowSeconds: 30
  stages:
    - name: lose a cart pod
      faults:
        - name: kill one
          actionId: pod-kill
          params: { namespace: shop, labelSelector: app=cart, count: 1 }
          durationSeconds: 30
    - name: wait
      waitAfterSeconds: 5
      faults:
        - actionId: pod-kill
          params: { namespace: shop, labelSelector: "app in (cart, checkout)", count: 2 }
  checks:
    - name: checkout answers
      type: http
      target: { kind: service, namespace: shop, service: frontend, port: http, path: /checkout }
      expect: { status: ["2xx"], maxLatencyMs: 300 }
    - name: checkout under 300 ms
      type: http
      mode: during
      intervalSeconds: 2
      tolerance: { percent: 12.5 }
      stopOnTrip: false
      target: { kind: url, url: "http://frontend.shop.svc/checkout?x=1&y=no" }
      expect: { status: ["200", "3xx"] }
    - name: cart replicas
      type: kubernetes
      mode: after
      check: { condition: workload-available, workload: Deployment, namespace: shop, name: cart, minAvailable: 2 }
`;

function parsed(text: string): ExperimentFile {
  const r = parseExperimentFile(text);
  if (!r.ok) throw new Error(r.problems.map(describeProblem).join("\n"));
  return r.file;
}

describe("parseExperimentFile", () => {
  it("reads a YAML file with its defaults filled in, \"yes\" and dates kept as text", () => {
    const f = parsed(FILE);
    expect(f.metadata).toEqual({ name: "checkout survives a cart pod loss", cluster: "shop" });
    expect(f.spec.description).toBe("Checkout stays fast: yes, even while a cart pod is killed.");
    expect(f.spec.maxDurationSeconds).toBe(1800);
    expect(f.spec.stages[0]!.waitAfterSeconds).toBe(0);
    expect(f.spec.checks[0]).toMatchObject({ mode: "before-and-after", tolerance: { failures: 0 }, stopOnTrip: true });
    expect(f.spec.checks[1]).toMatchObject({ tolerance: { percent: 12.5 }, stopOnTrip: false });
    expect(parsed(FILE.replace("name: wait", "name: no")).spec.stages[1]!.name).toBe("no");
    expect(parsed(FILE.replace("name: wait", "name: 2026-12-07")).spec.stages[1]!.name).toBe("2026-12-07");
  });

  it("reads the same experiment as JSON, with a $schema key", () => {
    const f = parsed(FILE);
    const json = formatExperimentFile(f, "json", "https://pystol.example/schemas/experiment-v1.json");
    expect(JSON.parse(json).$schema).toBe("https://pystol.example/schemas/experiment-v1.json");
    const back = parsed(json);
    expect(back.metadata).toEqual(f.metadata);
    expect(sameDefinition(back.spec, f.spec)).toBe(true);
  });

  it("reports each problem at its line and column, as a sentence naming the field", () => {
    const bad = FILE.replace("actionId: pod-kill\n          params: { namespace: shop, labelSelector: app=cart", "actionId: pod-kil\n          params: { namespace: shop, labelSelector: app=cart")
      .replace("intervalSeconds: 2", "intervalSeconds: 0")
      .replace("  cluster: shop\n", "  cluster: shop\n  colour: red\n");
    const r = parseExperimentFile(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { path: "metadata", line: 7, column: 3, message: "metadata knows name and cluster only; remove colour." },
        { path: "spec.stages.0.faults.0.actionId", line: 15, column: 21, message: "There is no action pod-kil; see the action catalogue." },
        { path: "spec.checks.1.intervalSeconds", line: 31, column: 24, message: "The check's interval is at least 1 s." },
      ]),
    );
    const interval = r.problems.find((p) => p.path === "spec.checks.1.intervalSeconds")!;
    expect(describeProblem(interval)).toBe("line 31, column 24 (check 2, intervalSeconds): The check's interval is at least 1 s.");
    // Never a validator's own wording.
    for (const p of r.problems) expect(p.message).not.toMatch(/Invalid input|expected .* received|ZodError/);
  });

  it("reports a missing field at the object that should hold it, and an empty value at its key", () => {
    const r = parseExperimentFile(FILE.replace("  name: checkout survives a cart pod loss\n", ""));
    expect(r.ok ? null : r.problems).toEqual([{ path: "metadata.name", line: 5, column: 3, message: "The experiment's name is required." }]);
    const empty = parseExperimentFile(FILE.replace("- name: wait", "- name:"));
    expect(empty.ok ? null : empty.problems[0]).toMatchObject({ path: "spec.stages.1.name", line: 17, column: 7 });
  });

  it("reports what does not read as YAML or JSON at its place, in words", () => {
    const dup = parseExperimentFile(FILE.replace("kind: Experiment\n", "kind: Experiment\nkind: Experiment\n"));
    expect(dup.ok ? null : dup.problems[0]).toEqual({ path: "", line: 4, column: 1, message: "This key appears twice in the same object; keep one." });
    const tab = parseExperimentFile("apiVersion: pystol.io/v1\nmetadata:\n\tname: x\n");
    expect(tab.ok ? null : tab.problems[0]!.line).toBe(3);
    const json = parseExperimentFile('{\n  "apiVersion": "pystol.io/v1",\n  "kind": "Experiment",\n  "metadata": {"name": "x"\n}');
    expect(json.ok).toBe(false);
    const two = parseExperimentFile(`${FILE}---\n${FILE}`);
    expect(two.ok ? null : two.problems[0]!.message).toMatch(/more than one document/);
    expect(parseExperimentFile("")).toMatchObject({ ok: false, problems: [{ line: 1, column: 1, message: expect.stringMatching(/empty/) }] });
    expect(parseExperimentFile("- a\n- b\n")).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/object with apiVersion, kind, metadata and spec/) }] });
    const wrong = parseExperimentFile(FILE.replace("apiVersion: pystol.io/v1", "apiVersion: v2"));
    expect(wrong.ok ? null : wrong.problems[0]).toEqual({ path: "apiVersion", line: 2, column: 13, message: "apiVersion is pystol.io/v1." });
  });

  it("refuses a file whose aliases expand to too much, and one over 256 KiB", () => {
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(parseExperimentFile(laughs)).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/aliases/) }] });
    expect(parseExperimentFile(`${FILE}# ${"x".repeat(300 * 1024)}\n`)).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/256 KiB/) }] });
  });

  it("refuses text nested deeper than an experiment before parsing it (the parser recurses per level)", () => {
    for (const deep of ["[".repeat(50_000) + "]".repeat(50_000), "- ".repeat(20_000) + "x", "? ".repeat(20_000), `a: ${"{a: ".repeat(70)}1${"}".repeat(70)}`]) {
      expect(parseExperimentFile(deep)).toMatchObject({ ok: false, problems: [{ line: 1, message: expect.stringMatching(/nests deeper/) }] });
    }
    const indented = Array.from({ length: 300 }, (_, i) => `${" ".repeat(i)}a:`).join("\n");
    expect(parseExperimentFile(indented)).toMatchObject({ ok: false, problems: [{ line: 202, column: 1 }] });
  });

  it("refuses a NUL character read from an escape, and an alias inside its own anchor", () => {
    expect(parseExperimentFile(FILE.replace("name: lose a cart pod", 'name: "lose\\0 a pod"'))).toMatchObject({
      ok: false,
      problems: [{ path: "spec.stages.0.name", line: 11, column: 13, message: expect.stringMatching(/NUL character/) }],
    });
    expect(parseExperimentFile("a: &a [*a]\n")).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/contain itself/) }] });
  });

  it("finds a path's position in the text", () => {
    expect(positionOf(FILE, "metadata.cluster")).toEqual({ line: 6, column: 12 });
    expect(positionOf(FILE.replace("  cluster: shop\n", ""), "metadata.cluster")).toEqual({ line: 5, column: 3 });
  });
});

describe("round trip", () => {
  it("a stored definition exported as YAML or JSON reads back exactly, and again gives the same text", () => {
    const stored = parseDefinition(parsed(FILE).spec);
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    const file = experimentFileOf({ name: "checkout survives a cart pod loss", cluster: "shop", definition: stored.definition });
    for (const format of ["yaml", "json"] as const) {
      const text = formatExperimentFile(file, format, "https://pystol.example/schemas/experiment-v1.json");
      const back = parsed(text);
      expect(back.spec).toEqual(stored.definition);
      expect(back.metadata).toEqual(file.metadata);
      expect(formatExperimentFile(back, format, "https://pystol.example/schemas/experiment-v1.json")).toBe(text);
    }
    const yaml = formatExperimentFile(file, "yaml", "https://pystol.example/schemas/experiment-v1.json");
    expect(yaml.split("\n")[0]).toBe("# yaml-language-server: $schema=https://pystol.example/schemas/experiment-v1.json");
    // Text that looks like other things stays text.
    expect(yaml).toContain("labelSelector: app in (cart, checkout)");
    expect(yaml).toMatch(/status:\n\s+- "200"/);
  });

  it("compares definitions by content, not key order", () => {
    const d = parsed(FILE).spec;
    const reordered = JSON.parse(JSON.stringify({ checks: d.checks, stages: d.stages, description: d.description, maxDurationSeconds: d.maxDurationSeconds, recoveryWindowSeconds: d.recoveryWindowSeconds }));
    expect(sameDefinition(d, reordered)).toBe(true);
    expect(sameDefinition(d, { ...d, maxDurationSeconds: 1801 })).toBe(false);
  });
});

describe("experimentFileJsonSchema", () => {
  it("is generated from the zod schema, with each action's parameters for editors", () => {
    const schema = experimentFileJsonSchema("https://pystol.example/schemas/experiment-v1.json", describeCatalog()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(schema).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", $id: "https://pystol.example/schemas/experiment-v1.json", type: "object", required: ["apiVersion", "kind", "metadata", "spec"] });
    expect(schema.properties.apiVersion.const).toBe("pystol.io/v1");
    expect(schema.additionalProperties).toBe(false);
    const spec = schema.properties.spec;
    expect(spec.required).toEqual(["stages", "checks"]);
    const fault = spec.properties.stages.items.properties.faults.items;
    expect(fault.properties.actionId.enum).toContain("pod-kill");
    const podKill = fault.allOf.find((x: { if: { properties: { actionId: { const: string } } } }) => x.if.properties.actionId.const === "pod-kill");
    expect(podKill.then.properties.params.properties).toHaveProperty("namespace");
    expect(spec.properties.checks.items.oneOf ?? spec.properties.checks.items.anyOf).toHaveLength(3);
  });
});

describe("whereOf and the line diff", () => {
  it("names a file's paths in words", () => {
    expect(whereOf("spec.stages.0.faults.1.params")).toBe("stage 1, fault 2, parameters");
    expect(whereOf("metadata.name")).toBe("name");
    expect(whereOf("checks.2.target.port")).toBe("check 3, target, port");
    expect(whereOf("")).toBe("");
  });

  it("diffs lines: kept, removed before added, with line numbers and unified hunks", () => {
    const d = lineDiff("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n");
    expect(d).toEqual([
      { op: "same", text: "a", oldLine: 1, newLine: 1 },
      { op: "remove", text: "b", oldLine: 2 },
      { op: "add", text: "B", newLine: 2 },
      { op: "same", text: "c", oldLine: 3, newLine: 3 },
      { op: "same", text: "d", oldLine: 4, newLine: 4 },
      { op: "add", text: "e", newLine: 5 },
    ]);
    expect(unifiedDiff(d, { before: "v1", after: "v2" }, 1)).toBe("--- v1\n+++ v2\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n d\n+e\n");
    expect(unifiedDiff(lineDiff("x\n", "x\n"), { before: "a", after: "b" })).toBe("");
    expect(lineDiff("", "x\ny")).toEqual([
      { op: "add", text: "x", newLine: 1 },
      { op: "add", text: "y", newLine: 2 },
    ]);
  });
});
