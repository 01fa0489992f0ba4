import { z } from "zod";
import { describeAction, getAction } from "@/lib/actions";
import { checkSchema } from "@/lib/checks";
import { describeIssues } from "@/lib/validation";

// An experiment's definition, as a team writes it (in the editor, through the API, or as
// YAML: the same data). Stages run in sequence; the fault steps of a stage run in parallel,
// each one a run of the action catalogue. Checks are the steady-state hypothesis. Every
// refusal is a sentence about the field, so the editor and the API can show it as is.

export const EXPERIMENT_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;

export const experimentNameSchema = z
  .string({ error: "The experiment's name is required." })
  .trim()
  .min(1, { error: "The experiment's name is required." })
  .max(80, { error: "The experiment's name has at most 80 characters." })
  .regex(EXPERIMENT_NAME, {
    error: "The experiment's name is letters, digits, spaces, dots, dashes and underscores, such as checkout survives a cart pod loss.",
  });

const seconds = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} is a whole number of seconds.` })
    .int({ error: `${what} is a whole number of seconds.` })
    .min(min, { error: `${what} is at least ${min} s.` })
    .max(max, { error: `${what} is at most ${max} s.` });

const label = (what: string) =>
  z
    .string({ error: `The ${what}'s name is text.` })
    .trim()
    .min(1, { error: `The ${what}'s name cannot be empty.` })
    .max(80, { error: `The ${what}'s name has at most 80 characters.` });

/** One fault: an action of the catalogue with its parameters, planned exactly as a run is. */
export const faultStepSchema = z
  .strictObject(
    {
      name: label("fault").optional(),
      actionId: z.string({ error: "Choose the fault's action." }).min(1, { error: "Choose the fault's action." }).max(64),
      params: z.record(z.string(), z.unknown(), { error: "The fault's parameters are an object." }).default({}),
      /**
       * How long the fault is held at most. Absent: "until done", the run ends by itself (its
       * own timed restores). When it passes, the step's run is ended and what it changed is
       * rolled back: that is how a held fault is removed.
       */
      durationSeconds: seconds("The fault's duration", 1, 24 * 3600).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `A fault knows name, actionId, params and durationSeconds only; remove ${i.keys.join(", ")}.` : "A fault is an object with an actionId and its params.") },
  )
  .superRefine((f, ctx) => {
    const action = getAction(f.actionId);
    if (!action) {
      ctx.addIssue({ code: "custom", path: ["actionId"], message: `There is no action ${f.actionId}; see the action catalogue.` });
      return;
    }
    const parsed = action.params.safeParse(f.params);
    if (!parsed.success) {
      const props = (describeAction(action).paramsSchema.properties ?? {}) as Record<string, { description?: string }>;
      const labels = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.description ?? k]));
      ctx.addIssue({ code: "custom", path: ["params"], message: `${action.title}: ${describeIssues(parsed.error.issues, labels)}` });
    }
  });

export const stageSchema = z.strictObject(
  {
    name: label("stage"),
    faults: z
      .array(faultStepSchema, { error: "A stage's faults are a list." })
      .min(1, { error: "A stage has at least one fault." })
      .max(10, { error: "A stage has at most 10 faults." }),
    /** A pause after the stage's faults ended, before the next stage. */
    waitAfterSeconds: seconds("The wait after a stage", 0, 3600).default(0),
  },
  { error: (i) => (i.code === "unrecognized_keys" ? `A stage knows name, faults and waitAfterSeconds only; remove ${i.keys.join(", ")}.` : "A stage is an object with a name and its faults.") },
);

export const CHECK_MODES = ["before", "during", "after", "before-and-after"] as const;
export type CheckMode = (typeof CHECK_MODES)[number];

/**
 * How many failed evaluations a during-check tolerates before it trips: a count
 * (`{ failures: 2 }`: the third failure trips it) or a share of its evaluations so far
 * (`{ percent: 20 }`: trips once more than 20 % failed, judged from the third evaluation on).
 * An evaluation that ends in error counts as a failure.
 */
export const toleranceSchema = z.union(
  [
    z.strictObject({ failures: z.number().int().min(0).max(1000) }),
    z.strictObject({ percent: z.number().min(0).max(100) }),
  ],
  { error: "The tolerance is { failures: N } or { percent: P }." },
);
export type Tolerance = z.infer<typeof toleranceSchema>;

const experimentFields = {
  mode: z.enum(CHECK_MODES, { error: "The check's mode is before, during, after or before-and-after." }).default("before-and-after"),
  /** During-checks: evaluated every this many seconds while any fault is active. */
  intervalSeconds: seconds("The check's interval", 1, 300).default(5),
  tolerance: toleranceSchema.default({ failures: 0 }),
  /** A during-check that trips stops the experiment (abort and roll back every fault). */
  stopOnTrip: z.boolean({ error: "stopOnTrip is true or false." }).default(true),
};

const [httpCheck, kubernetesCheck, prometheusCheck] = checkSchema.options;

export const experimentCheckSchema = z.discriminatedUnion(
  "type",
  [httpCheck.extend(experimentFields), kubernetesCheck.extend(experimentFields), prometheusCheck.extend(experimentFields)],
  { error: "A check is an object with a name, a type (http, kubernetes or prometheus) and a mode." },
);
export type ExperimentCheck = z.infer<typeof experimentCheckSchema>;

export const experimentDefinitionSchema = z
  .strictObject(
    {
      description: z.string().max(2000, { error: "The description has at most 2000 characters." }).default(""),
      stages: z
        .array(stageSchema, { error: "The stages are a list." })
        .min(1, { error: "An experiment has at least one stage." })
        .max(20, { error: "An experiment has at most 20 stages." }),
      checks: z
        .array(experimentCheckSchema, { error: "The checks are a list." })
        .min(1, { error: "An experiment states its steady state: add at least one check." })
        .max(20, { error: "An experiment has at most 20 checks." }),
      /** After the last fault ended and its rollbacks completed, after-checks must pass within this. */
      recoveryWindowSeconds: seconds("The recovery window", 0, 3600).default(60),
      /** The whole execution is stopped (faults rolled back) past this. */
      maxDurationSeconds: seconds("The maximum duration", 10, 24 * 3600).default(1800),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `An experiment knows description, stages, checks, recoveryWindowSeconds and maxDurationSeconds only; remove ${i.keys.join(", ")}.` : "An experiment's definition is an object with stages and checks.") },
  )
  .superRefine((d, ctx) => {
    const seen = new Map<string, number>();
    d.checks.forEach((c, i) => {
      const prev = seen.get(c.name.toLowerCase());
      if (prev !== undefined) ctx.addIssue({ code: "custom", path: ["checks", i, "name"], message: `Two checks are named "${c.name}"; give each its own name.` });
      seen.set(c.name.toLowerCase(), i);
    });
    const during = d.checks.filter((c) => c.mode === "during").length;
    if (during > 10) ctx.addIssue({ code: "custom", path: ["checks"], message: "An experiment has at most 10 during-checks." });
  });

export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;
export type ExperimentDefinitionInput = z.input<typeof experimentDefinitionSchema>;

export type ParsedDefinition =
  | { ok: true; definition: ExperimentDefinition }
  | { ok: false; errors: { path: string; message: string }[] };

/** Validates a definition; on refusal, one sentence per problem with its path (`stages.0.faults.1.params`). */
export function parseDefinition(input: unknown): ParsedDefinition {
  const r = experimentDefinitionSchema.safeParse(input);
  if (r.success) return { ok: true, definition: r.data };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) };
}

/** The phases a check is evaluated in. */
export function phasesOf(mode: CheckMode): ("before" | "during" | "after")[] {
  return mode === "before-and-after" ? ["before", "after"] : [mode];
}
