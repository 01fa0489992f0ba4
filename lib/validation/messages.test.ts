import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeIssues, fieldErrorsOf } from "./index";

const schema = z
  .object({
    count: z.number().int().min(1).max(10_000),
    name: z.string().min(1).max(5),
    email: z.email(),
    tags: z.array(z.string()).max(2),
    kind: z.enum(["a", "b"]),
  })
  .strict();

const issuesOf = (value: unknown) => schema.safeParse(value).error!.issues;

describe("validation messages", () => {
  it("never passes zod's own texts on: every issue is a sentence a person can act on", () => {
    const errors = fieldErrorsOf({ issues: issuesOf({ count: 50_000, name: "", email: "nope", tags: ["x", "y", "z"], kind: "c", extra: 1 }) });
    expect(errors).toEqual({
      count: ["Enter a number no larger than 10000."],
      name: ["This field is required."],
      email: ["Enter an e-mail address such as ada@example.com."],
      tags: ["Give at most 2 items."],
      kind: ["Choose one of: a, b."],
      "": ["Unknown field: extra."],
    });
    for (const list of Object.values(errors)) for (const m of list) expect(m).not.toMatch(/Too big|Too small|Invalid input|expected/);
  });

  it("says 'required' for a missing value and 'whole number' for a fraction", () => {
    const errors = fieldErrorsOf({ issues: issuesOf({ count: 1.5, email: "a@b.co", tags: [], kind: "a" }) });
    expect(errors.count).toEqual(["Enter a whole number."]);
    expect(errors.name).toEqual(["This field is required."]);
  });

  it("names the field by its label in one line, once per field", () => {
    const line = describeIssues(issuesOf({ count: 0, name: "toolongname", email: "a@b.co", tags: [], kind: "a" }), { count: "Pods to kill per round" });
    expect(line).toBe("Pods to kill per round: enter a number of at least 1. name: use at most 5 characters.");
  });

  it("keeps a schema's own sentence", () => {
    const own = z.object({ ns: z.string().regex(/^[a-z]+$/, "Use a namespace name such as shop.") });
    expect(fieldErrorsOf(own.safeParse({ ns: "Shop" }).error!)).toEqual({ ns: ["Use a namespace name such as shop."] });
  });
});
