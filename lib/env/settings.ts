import type { z } from "zod";

/**
 * A group of settings read from the environment: validated once, on first use, and cached;
 * an invalid value throws naming the offending variable. Tests set the variables before the
 * first call.
 */
export function settingsFromEnv<S extends z.ZodType>(schema: S): () => z.infer<S> {
  let cached: z.infer<S> | undefined;
  return () => {
    if (cached) return cached;
    const parsed = schema.safeParse(process.env);
    if (!parsed.success) {
      throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
    }
    cached = parsed.data as z.infer<S>;
    return cached;
  };
}
