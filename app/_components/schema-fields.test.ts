import { describe, expect, it } from "vitest";
import { describeAction, getAction } from "@/lib/actions";
import { fieldErrorsOf } from "@/lib/validation";
import { fieldsFromSchema, paramsFromForm, paramsFromValues, valuesFromParams } from "./schema-fields";

const fieldsOf = (id: string) => fieldsFromSchema(describeAction(getAction(id)!).paramsSchema);
const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};

describe("fieldsFromSchema", () => {
  it("turns the pod kill schema into labelled, typed fields with defaults and help", () => {
    const fields = fieldsOf("pod-kill");
    expect(fields.map((f) => f.name)).toEqual(["namespace", "labelSelector", "count", "percentage", "gracePeriodSeconds", "repeat", "intervalSeconds"]);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(byName.namespace).toMatchObject({ label: "Namespace", kind: "text", required: true, defaultValue: "" });
    expect(byName.count).toMatchObject({ label: "Pods to kill per round", kind: "integer", required: false, min: 1, max: 10_000 });
    expect(byName.count!.help).toContain("Optional.");
    expect(byName.percentage!.kind).toBe("number");
    expect(byName.intervalSeconds).toMatchObject({ defaultValue: "30", required: false });
    expect(byName.intervalSeconds!.help).toBe("A whole number from 0 to 3600. Default 30.");
  });

  it("makes string arrays a list and keeps an array default", () => {
    const byName = Object.fromEntries(fieldsOf("job").map((f) => [f.name, f]));
    expect(byName.command).toMatchObject({ kind: "list", required: true });
    expect(byName.args).toMatchObject({ kind: "list", defaultValue: "" });
    expect(byName.namespace!.defaultValue).toBe("default");
  });
});

describe("paramsFromForm", () => {
  it("reads numbers and lists, leaves empty inputs out so the schema's defaults apply", () => {
    const fields = fieldsOf("job");
    const read = paramsFromForm(fields, form({ "p.image": " busybox:1.36 ", "p.command": "sh\n-c\n\necho hi\n", "p.args": "", "p.timeoutSeconds": "60", "p.namespace": "" }));
    expect(read.params).toEqual({ image: "busybox:1.36", command: ["sh", "-c", "echo hi"], timeoutSeconds: 60 });
    expect(read.fieldErrors).toEqual({});
    const parsed = getAction("job")!.params.parse(read.params) as Record<string, unknown>;
    expect(parsed.namespace).toBe("default");
  });

  it("keeps what was typed and reports a word in a number field, without passing it on", () => {
    const read = paramsFromForm(fieldsOf("pod-kill"), form({ "p.namespace": "shop", "p.labelSelector": "app=cart", "p.count": "two" }));
    expect(read.raw.count).toBe("two");
    expect(read.fieldErrors).toEqual({ count: ["Enter a whole number."] });
    expect(read.params.count).toBeUndefined();
  });

  it("maps the schema's own errors to the fields they are about, as sentences about the field", () => {
    const read = paramsFromForm(fieldsOf("node-cordon"), form({ "p.durationSeconds": "0" }));
    const result = getAction("node-cordon")!.params.safeParse(read.params);
    expect(result.success).toBe(false);
    const errors = fieldErrorsOf(result.error!);
    expect(errors.durationSeconds).toEqual(["Enter a number of at least 1."]);
    expect(errors.nodeName).toEqual(["Give a node name or a node label selector."]);
  });
});

describe("valuesFromParams", () => {
  it("gives back the texts paramsFromValues reads to the same parameters", () => {
    const fields = fieldsOf("pod-kill");
    const params = { namespace: "shop", labelSelector: "app=cart", count: 2 };
    const values = valuesFromParams(fields, params);
    expect(values.namespace).toBe("shop");
    expect(values.count).toBe("2");
    expect(paramsFromValues(fields, values).params).toMatchObject(params);
  });
});
