import { z } from "zod";
import "@/lib/validation";

// Building blocks of action parameters; the descriptions become form labels through the
// JSON schema, so they are written for the person filling the form, and so are the messages.
// `examples` become the form's placeholders ("e.g. shop").
export const namespaceParam = z
  .string()
  .max(63, "A namespace name has at most 63 characters.")
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "Use a namespace name: lower-case letters, digits and dashes, such as shop.")
  .describe("Namespace")
  .meta({ examples: ["shop"] });

export const objectNameParam = z
  .string()
  .max(253, "A name has at most 253 characters.")
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "Use a Kubernetes object name: lower-case letters, digits, dashes and dots.");

// Parsed by the API server; here only its shape is bounded (no empty selector = everything).
export const labelSelectorParam = z
  .string()
  .trim()
  .min(1, "Give a label selector: an empty one would match everything.")
  .max(1000, "A label selector has at most 1000 characters.")
  .regex(/^[A-Za-z0-9_./=!,()\s-]+$/, "Use a label selector such as app=cart or tier in (web,api).")
  .describe("Label selector")
  .meta({ examples: ["app=cart"] });

export const durationSecondsParam = (what: string, def: number) =>
  z.number().int().min(1).max(24 * 3600).default(def).describe(what);

/** Node name or label selector, exactly one. */
export const nodeSelectionShape = {
  nodeName: objectNameParam.optional().describe("Node name").meta({ examples: ["general-a-1"] }),
  labelSelector: labelSelectorParam.optional().describe("Node label selector").meta({ examples: ["pystol.io/pool=general"] }),
};

export function exactlyOneNodeSelection(p: { nodeName?: string; labelSelector?: string }, ctx: z.RefinementCtx): void {
  if (!p.nodeName && !p.labelSelector) {
    ctx.addIssue({ code: "custom", message: "Give a node name or a node label selector.", path: ["nodeName"] });
  } else if (p.nodeName && p.labelSelector) {
    ctx.addIssue({ code: "custom", message: "Give a node name or a node label selector, not both.", path: ["labelSelector"] });
  }
}
