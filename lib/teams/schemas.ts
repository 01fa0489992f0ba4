import { z } from "zod";

export const teamNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a team name")
  .max(60, "A team name has at most 60 characters");

export const slugSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "Not a team address");

/** A URL-safe slug from a name ("Acme Ops" → "acme-ops"). */
export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return base || "team";
}
