import { z } from "zod";

// Building blocks of action parameters; the descriptions become form labels through the
// JSON schema, so they are written for the person filling the form.
export const namespaceParam = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a namespace name: lower-case letters, digits and dashes")
  .max(63)
  .describe("Namespace");

export const objectNameParam = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "a Kubernetes object name")
  .max(253);

// Parsed by the API server; here only its shape is bounded (no empty selector = everything).
export const labelSelectorParam = z
  .string()
  .trim()
  .min(1, "a label selector is required (an empty one would match everything)")
  .max(1000)
  .regex(/^[A-Za-z0-9_./=!,()\s-]+$/, "a label selector such as app=cart or tier in (web,api)")
  .describe("Label selector");

export const durationSecondsParam = (what: string, def: number) =>
  z.number().int().min(1).max(24 * 3600).default(def).describe(what);

/** Node name or label selector, exactly one. */
export const nodeSelectionShape = {
  nodeName: objectNameParam.optional().describe("Node name"),
  labelSelector: labelSelectorParam.optional().describe("Node label selector"),
};

export function exactlyOneNodeSelection(p: { nodeName?: string; labelSelector?: string }, ctx: z.RefinementCtx): void {
  if (!p.nodeName === !p.labelSelector) {
    ctx.addIssue({ code: "custom", message: "give either a node name or a label selector", path: ["nodeName"] });
  }
}
