import { z } from "zod";
import { labelSelectorParam, namespaceParam, objectNameParam } from "../param-schemas";

// Parameters every fault in a pod shares: which pods (as pod kill chooses them) and for how
// long. Each fault adds its own fields; forms are flat, so lists are lines of text.
export const targetShape = {
  namespace: namespaceParam,
  labelSelector: labelSelectorParam,
  count: z.number().int().min(1).max(10_000).optional().describe("Pods to hit"),
  percentage: z.number().min(1).max(100).optional().describe("Or: percentage of matching pods"),
};

export const durationParam = z.number().int().min(1).max(24 * 3600).default(60).describe("Duration (seconds)");

export const directionParam = (def: "in" | "out" | "both") =>
  z.enum(["out", "in", "both"]).default(def).describe("Direction (out: what the pods send; in: what they receive)");

/** Count or percentage, not both (as for pod kill). */
export function countOrPercentage(p: { count?: number; percentage?: number }, ctx: z.RefinementCtx): void {
  if (p.count !== undefined && p.percentage !== undefined) {
    ctx.addIssue({ code: "custom", message: "Give a count or a percentage, not both.", path: ["percentage"] });
  }
}

export const containerNameParam = objectNameParam.max(63, "A container name has at most 63 characters.");

export const cidrParam = z
  .string()
  .trim()
  .regex(/^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]+:[0-9a-fA-F:.]*(\/\d{1,3})?)$/, "Enter an address or a network such as 10.0.0.0/8.");

export const hostNameParam = z
  .string()
  .trim()
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/, "Enter a host name such as api.example.com.");

export const namePatternParam = z
  .string()
  .trim()
  .max(253)
  .regex(/^(\*|[A-Za-z0-9_-]+)(\.(\*|[A-Za-z0-9_-]+))*\.?$/, "Enter a name such as cart.shop.svc.cluster.local or *.example.com.");
