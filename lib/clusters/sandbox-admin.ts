import { z } from "zod";
import { SandboxAdminClient } from "@/lib/sandbox/admin-client";

// Where the web app and the workers reach the sandbox's admin interfaces (internal network
// only; user kubeconfigs never get these addresses through the guard). Virtual clusters are
// spread over one or more sandbox processes, the shards; each Cluster row names its shard.
//
//   SANDBOX_ADMIN_URL                  one shard, named "default" (the setting before shards)
//   SANDBOX_SHARDS=a=http://h:6444,b=http://h:6446     shards by name
//   SANDBOX_SHARD_COUNT=3 SANDBOX_SHARD_URL_PATTERN=http://sandbox-{i}.sandbox:6444
//                                      a StatefulSet's pods; shard 0 is "default", then shard-1…
// One admin token (SANDBOX_ADMIN_TOKEN) opens every shard.

/** The name of the first shard, and of every cluster row from before shards. */
export const DEFAULT_SHARD = "default";

export interface SandboxShard {
  name: string;
  adminUrl: string;
}

const shardName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/, "a shard name is lower-case letters, digits and dashes (at most 32), e.g. shard-1");
const adminUrl = z
  .string()
  .url("must be a URL such as http://127.0.0.1:6444")
  .refine((u) => /^https?:\/\//i.test(u), "must start with http:// or https://");

/** SANDBOX_SHARDS: `name=url` pairs, comma-separated. */
const shardList = z
  .string()
  .transform((v, ctx) => {
    const shards: SandboxShard[] = [];
    for (const [i, part] of v.split(",").map((p) => p.trim()).filter(Boolean).entries()) {
      const eq = part.indexOf("=");
      if (eq <= 0) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} must be name=url, e.g. default=http://127.0.0.1:6444` });
        continue;
      }
      const name = shardName.safeParse(part.slice(0, eq));
      const url = adminUrl.safeParse(part.slice(eq + 1));
      if (!name.success) ctx.addIssue({ code: "custom", message: `entry ${i + 1}: ${name.error.issues[0]!.message}` });
      if (!url.success) ctx.addIssue({ code: "custom", message: `entry ${i + 1} (${part.slice(0, eq)}): the URL ${url.error.issues[0]!.message}` });
      if (name.success && url.success) shards.push({ name: name.data, adminUrl: url.data });
    }
    if (shards.length === 0 && ctx.value.trim() !== "") return z.NEVER;
    const names = new Set(shards.map((s) => s.name));
    if (names.size !== shards.length) ctx.addIssue({ code: "custom", message: "each shard needs its own name" });
    if (new Set(shards.map((s) => s.adminUrl)).size !== shards.length) ctx.addIssue({ code: "custom", message: "each shard needs its own URL" });
    return shards;
  });

/** The sandbox settings of the web app and the workers (the manifests' consistency test reads it too). */
export const sandboxAdminEnvSchema = z
  .object({
    SANDBOX_ADMIN_URL: adminUrl.default("http://127.0.0.1:6444"),
    SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
    SANDBOX_SHARDS: z.preprocess((v) => (v === "" ? undefined : v), shardList.optional()),
    SANDBOX_SHARD_COUNT: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(64).optional()),
    SANDBOX_SHARD_URL_PATTERN: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.string().includes("{i}", { message: "must contain {i}, the shard's number, e.g. http://sandbox-{i}.sandbox:6444" }).optional(),
    ),
  })
  .superRefine((s, ctx) => {
    if (s.SANDBOX_SHARDS && s.SANDBOX_SHARD_COUNT) {
      ctx.addIssue({ code: "custom", path: ["SANDBOX_SHARDS"], message: "set either SANDBOX_SHARDS or SANDBOX_SHARD_COUNT, not both" });
    }
    if (s.SANDBOX_SHARD_COUNT && !s.SANDBOX_SHARD_URL_PATTERN) {
      ctx.addIssue({ code: "custom", path: ["SANDBOX_SHARD_URL_PATTERN"], message: "is needed with SANDBOX_SHARD_COUNT, e.g. http://sandbox-{i}.sandbox:6444" });
    }
    if (s.SANDBOX_SHARD_URL_PATTERN && !s.SANDBOX_SHARD_COUNT) {
      ctx.addIssue({ code: "custom", path: ["SANDBOX_SHARD_COUNT"], message: "is needed with SANDBOX_SHARD_URL_PATTERN (how many shards)" });
    }
    if (s.SANDBOX_SHARD_URL_PATTERN) {
      const sample = adminUrl.safeParse(s.SANDBOX_SHARD_URL_PATTERN.replaceAll("{i}", "0"));
      if (!sample.success) ctx.addIssue({ code: "custom", path: ["SANDBOX_SHARD_URL_PATTERN"], message: sample.error.issues[0]!.message });
    }
  });

/** The name of the shard with this number in a StatefulSet or `npm run up`: 0 is "default". */
export function shardNameAt(i: number): string {
  return i === 0 ? DEFAULT_SHARD : `shard-${i}`;
}

export interface SandboxSettings {
  token: string | undefined;
  shards: SandboxShard[];
}

/** Validates the sandbox settings; throws with every offending variable named. */
export function parseSandboxSettings(source: Record<string, string | undefined>): SandboxSettings {
  const parsed = sandboxAdminEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  const s = parsed.data;
  const shards = s.SANDBOX_SHARDS?.length
    ? s.SANDBOX_SHARDS
    : s.SANDBOX_SHARD_COUNT && s.SANDBOX_SHARD_URL_PATTERN
      ? Array.from({ length: s.SANDBOX_SHARD_COUNT }, (_, i) => ({ name: shardNameAt(i), adminUrl: s.SANDBOX_SHARD_URL_PATTERN!.replaceAll("{i}", String(i)) }))
      : [{ name: DEFAULT_SHARD, adminUrl: s.SANDBOX_ADMIN_URL }];
  return { token: s.SANDBOX_ADMIN_TOKEN, shards };
}

// Parsed once per set of values (tests change the environment between files).
let memo: { key: string; settings: SandboxSettings } | undefined;
const clients = new Map<string, SandboxAdminClient>();

/** The sandbox settings of this process. */
export function sandboxSettings(): SandboxSettings {
  const e = process.env;
  const key = [e.SANDBOX_ADMIN_URL, e.SANDBOX_ADMIN_TOKEN, e.SANDBOX_SHARDS, e.SANDBOX_SHARD_COUNT, e.SANDBOX_SHARD_URL_PATTERN].join("\u0000");
  if (memo?.key !== key) {
    memo = { key, settings: parseSandboxSettings(e) };
    clients.clear();
  }
  return memo.settings;
}

/** The configured shards (none when this process has no sandbox token). */
export function sandboxShards(): SandboxShard[] {
  const s = sandboxSettings();
  return s.token ? s.shards : [];
}

/**
 * The admin client of a shard by name (a row without one is on the default shard, the first
 * configured), or undefined when the sandbox is not configured or no shard has that name.
 */
export function sandboxAdminOf(shard: string | null | undefined): SandboxAdminClient | undefined {
  const s = sandboxSettings();
  if (!s.token) return undefined;
  const found = shard ? s.shards.find((x) => x.name === shard) : undefined;
  const target = found ?? (!shard || shard === DEFAULT_SHARD ? s.shards[0] : undefined);
  if (!target) return undefined;
  let client = clients.get(target.name);
  if (!client) clients.set(target.name, (client = new SandboxAdminClient(target.adminUrl, s.token)));
  return client;
}

/** The first shard's admin client, or undefined when this process has no sandbox configured. */
export function sandboxAdmin(): SandboxAdminClient | undefined {
  return sandboxAdminOf(undefined);
}
