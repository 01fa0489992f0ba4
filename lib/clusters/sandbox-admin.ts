import { z } from "zod";
import { SandboxAdminClient } from "@/lib/sandbox/admin-client";

// Where the web app and the workers reach the sandbox's admin interface (internal network
// only; user kubeconfigs never get this address through the guard).
const schema = z.object({
  SANDBOX_ADMIN_URL: z.string().url().default("http://127.0.0.1:6444"),
  SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
});

/** The sandbox admin client, or undefined when this process has no sandbox configured. */
export function sandboxAdmin(): SandboxAdminClient | undefined {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  const s = parsed.data;
  return s.SANDBOX_ADMIN_TOKEN ? new SandboxAdminClient(s.SANDBOX_ADMIN_URL, s.SANDBOX_ADMIN_TOKEN) : undefined;
}
