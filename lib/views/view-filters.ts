import { z } from "zod";

// What the views accept from the address bar. Everything here ends up in a query to the
// cluster, so it is held to the shapes Kubernetes itself accepts.
const dnsName = z.string().max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, schema.optional());

export const PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"] as const;

export const podFiltersSchema = z.object({
  namespace: optional(dnsName),
  node: optional(dnsName),
  phase: optional(z.enum(PHASES)),
  // Label selectors: keys, values, operators, set syntax; no quotes or control characters.
  labels: optional(z.string().max(256).regex(/^[A-Za-z0-9_.\-/=!,() ]+$/, "Use a label selector such as app=cart,tier!=web")),
  q: optional(z.string().max(100)),
  continue: optional(z.string().max(4096).regex(/^[A-Za-z0-9_\-=.]+$/)),
});
export type PodFilters = z.infer<typeof podFiltersSchema>;

export const eventFiltersSchema = z.object({
  namespace: optional(dnsName),
  type: optional(z.enum(["Normal", "Warning"])),
});
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const graphParamsSchema = z.object({
  ns: optional(dnsName),
  w: optional(z.string().max(300).regex(/^[A-Za-z]+\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)),
  q: optional(z.string().max(100)),
  run: optional(z.string().max(40).regex(/^[a-z0-9]+$/)),
});
export type GraphParams = z.infer<typeof graphParamsSchema>;

/** Parses search params, dropping values that do not fit (and saying which). */
export function parseParams<T extends z.ZodObject>(schema: T, raw: Record<string, string | string[] | undefined>): { value: z.infer<T>; invalid: string[] } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { value: parsed.data, invalid: [] };
  const invalid = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
  const kept = Object.fromEntries(Object.entries(raw).filter(([k]) => !invalid.includes(k)));
  return { value: schema.parse(kept), invalid };
}
