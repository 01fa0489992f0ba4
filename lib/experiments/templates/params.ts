import { z } from "zod";
import { labelSelectorParam, namespaceParam, objectNameParam } from "@/lib/actions/param-schemas";
import type { ExperimentDefinitionInput } from "../definition";

export type CheckInput = ExperimentDefinitionInput["checks"][number];

// Building blocks of templates' parameters. Each one's description is the form's label and
// its default fits the demo shop, so a template opened without changes runs against it. The
// messages are written for the person filling the form.

export const namespace = (label: string, def: string) => namespaceParam.describe(label).default(def);
export const objectName = (label: string, def: string) =>
  objectNameParam.describe(label).meta({ examples: [def] }).default(def);
export const labelSelector = (label: string, def: string) => labelSelectorParam.describe(label).meta({ examples: [def] }).default(def);

export const wholeNumber = (label: string, min: number, max: number, def: number) =>
  z
    .number({ error: `${label} is a whole number.` })
    .int({ error: `${label} is a whole number.` })
    .min(min, { error: `${label} is at least ${min}.` })
    .max(max, { error: `${label} is at most ${max}.` })
    .describe(label)
    .default(def);

export const urlPath = (label: string, def: string) =>
  z
    .string({ error: `${label} is a path such as /checkout.` })
    .max(512, { error: `${label} has at most 512 characters.` })
    .regex(/^\/[A-Za-z0-9\-._~/]*$/, { error: `${label} starts with / and uses letters, digits, - . _ ~ and /, such as /checkout.` })
    .describe(label)
    .default(def);

export const portName = (label: string, def: string) =>
  z
    .string({ error: `${label} is a port name such as http.` })
    .regex(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, { error: `${label} is the service's port name, lower-case letters, digits and dashes, such as http.` })
    .describe(label)
    .default(def);

/** A comma-separated list of node names, as one form field: "general-a-1, general-b-1". */
export const nodeNames = (label: string, def: string) =>
  z
    .string({ error: `${label} are node names separated by commas.` })
    .transform((s) => s.split(",").map((n) => n.trim()).filter(Boolean))
    .pipe(
      z
        .array(objectNameParam.max(63, "A node name has at most 63 characters."), { error: `${label} are node names separated by commas.` })
        .min(1, { error: `Give at least one node in ${label.toLowerCase()}.` })
        .max(10, { error: `${label}: at most 10 nodes.` })
        .refine((a) => new Set(a).size === a.length, { error: `${label}: each node once.` }),
    )
    .describe(label)
    .meta({ examples: [def] })
    .default(def.split(",").map((n) => n.trim()));

/**
 * What every template watches: the page people use, through the API server's service proxy
 * (no Prometheus needed), and how much slowness or failure it tolerates while faults are active.
 */
export const entryShape = {
  entryNamespace: namespace("Namespace of the service people use", "shop"),
  entryService: objectName("Service people use", "frontend"),
  entryPort: portName("Its port name", "http"),
  entryPath: urlPath("Path to watch", "/checkout"),
  maxLatencyMs: wholeNumber("Slowest acceptable answer (ms)", 10, 60_000, 1000),
  toleratedFailures: wholeNumber("Failed checks tolerated before stopping", 0, 100, 1),
  checkIntervalSeconds: wholeNumber("Check every (seconds)", 1, 300, 2),
};

export type EntryParams = { entryNamespace: string; entryService: string; entryPort: string; entryPath: string; maxLatencyMs: number; toleratedFailures: number; checkIntervalSeconds: number };

const target = (p: EntryParams) => ({ kind: "service" as const, namespace: p.entryNamespace, service: p.entryService, port: p.entryPort, path: p.entryPath });

/** The entry path answers before and after; while faults are active it stays fast, or the experiment stops. */
export function entryChecks(p: EntryParams): CheckInput[] {
  return [
    { name: `${p.entryPath} answers`, type: "http", mode: "before-and-after", intervalSeconds: p.checkIntervalSeconds, target: target(p), expect: { status: ["2xx"] } },
    {
      name: `${p.entryPath} stays fast`,
      type: "http",
      mode: "during",
      intervalSeconds: p.checkIntervalSeconds,
      tolerance: { failures: p.toleratedFailures },
      target: target(p),
      expect: { status: ["2xx"], maxLatencyMs: p.maxLatencyMs },
    },
  ];
}

export const timingShape = {
  recoveryWindowSeconds: wholeNumber("Time to recover after the faults (seconds)", 0, 3600, 60),
  maxDurationSeconds: wholeNumber("Stop the whole experiment after (seconds)", 10, 24 * 3600, 600),
};
