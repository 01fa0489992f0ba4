import { describe, expect, it } from "vitest";
import { describeCatalog } from "@/lib/actions";
import { parseDefinition } from "@/lib/experiments";
import { fieldsFromSchema } from "@/app/_components/schema-fields";
import { fromDefinition, move, newCheck, newDraft, toDefinition, type FieldsByAction } from "./draft";

const fields: FieldsByAction = Object.fromEntries(describeCatalog().map((a) => [a.id, fieldsFromSchema(a.paramsSchema)]));

describe("the editor's draft", () => {
  it("starts as a definition that validates once the fault's required parameters are given", () => {
    const draft = newDraft("pod-kill", fields);
    expect(parseDefinition(toDefinition(draft, fields)).ok).toBe(false);
    draft.stages[0]!.faults[0]!.values = { ...draft.stages[0]!.faults[0]!.values, namespace: "shop", labelSelector: "app=cart" };
    const parsed = parseDefinition(toDefinition(draft, fields));
    expect(parsed.ok && parsed.definition.stages[0]!.faults[0]!.params).toMatchObject({ namespace: "shop", labelSelector: "app=cart" });
  });

  it("goes to a definition and back without losing a field, for every check type", () => {
    const draft = newDraft("deployment-scale", fields);
    draft.stages[0]!.faults[0]!.values = { ...draft.stages[0]!.faults[0]!.values, namespace: "shop", name: "cart", replicas: "0" };
    draft.stages[0]!.faults[0]!.durationSeconds = "30";
    draft.stages[0]!.waitAfterSeconds = "5";
    const k = { ...newCheck(1), name: "cart up", type: "kubernetes" as const, mode: "after", condition: "workload-available" as const, namespace: "shop", objectName: "cart", minAvailable: "1" };
    const p = { ...newCheck(2), name: "errors low", type: "prometheus" as const, query: "sum(rate(errors[1m]))", op: "<", threshold: "0.5" };
    draft.checks = [{ ...draft.checks[0]!, maxLatencyMs: "300", intervalSeconds: "2", tolerance: "20", toleranceKind: "percent" }, k, p];
    const definition = toDefinition(draft, fields);
    const parsed = parseDefinition(definition);
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
    expect(toDefinition(fromDefinition(definition, fields), fields)).toEqual(definition);
    if (!parsed.ok) return;
    expect(parsed.definition.checks[0]).toMatchObject({ mode: "during", intervalSeconds: 2, tolerance: { percent: 20 }, target: { port: "http", path: "/checkout" }, expect: { maxLatencyMs: 300 } });
    expect(parsed.definition.checks[2]).toMatchObject({ type: "prometheus", op: "<", threshold: 0.5 });
  });

  it("sends a word typed in a number field as it is, so the definition's own sentence is shown for it", () => {
    const draft = newDraft("pod-kill", fields);
    draft.recoveryWindowSeconds = "soon";
    const parsed = parseDefinition(toDefinition(draft, fields));
    expect(!parsed.ok && parsed.errors.find((e) => e.path === "recoveryWindowSeconds")?.message).toBe("The recovery window is a whole number of seconds.");
  });

  it("moves an item one place and not past either end", () => {
    expect(move([1, 2, 3], 0, 1)).toEqual([2, 1, 3]);
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, 1)).toEqual([1, 2, 3]);
  });
});
