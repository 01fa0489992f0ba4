import { z } from "zod";

/** A cluster's name inside its team: short, readable, unique per team (checked on write). */
export const clusterNameSchema = z
  .string()
  .trim()
  .min(1, "Give the cluster a name")
  .max(60, "A cluster name has at most 60 characters")
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u,
    "A cluster name starts with a letter or digit and uses letters, digits, spaces, dots, dashes and underscores",
  );

/** A context name as chosen from the list the file offered (checked again by the parser). */
export const contextNameSchema = z.string().trim().min(1).max(253);

/** A name to offer for a context: its cluster's name, made to pass clusterNameSchema. */
export function suggestClusterName(fromFile: string): string {
  const cleaned = fromFile
    .replace(/[^\p{L}\p{N} ._-]+/gu, "-")
    .replace(/^[^\p{L}\p{N}]+/u, "")
    .slice(0, 60)
    .trim();
  return cleaned || "cluster";
}
