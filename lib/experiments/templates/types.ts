import type { z } from "zod";
import type { ExperimentDefinitionInput } from "../definition";
import type { Verdict } from "../states";

/**
 * A ready experiment: parameters to fill (each with a default that fits the demo shop), the
 * definition they make, what it teaches in plain words, and the verdict it gives against the
 * demo shop with those defaults (a test runs every template there and asserts it).
 */
export interface ExperimentTemplate<S extends z.ZodObject = z.ZodObject> {
  /** Stable id, used in addresses: /experiments/templates/<id>. */
  id: string;
  title: string;
  /** One line for the list. */
  summary: string;
  /** What running it teaches, in plain words (a short paragraph). */
  teaches: string;
  /** The fault the template injects, in a few words ("pod kill", "node drain"). */
  fault: string;
  params: S;
  /** The experiment's name the form suggests. */
  name(p: z.output<S>): string;
  build(p: z.output<S>): ExperimentDefinitionInput;
  /** What it gives against the demo shop with its defaults, and why. */
  demo: { verdict: Verdict; why: string };
}

/** Declares a template, keeping its parameters' types inside. */
export const defineTemplate = <S extends z.ZodObject>(t: ExperimentTemplate<S>): ExperimentTemplate => t as unknown as ExperimentTemplate;
