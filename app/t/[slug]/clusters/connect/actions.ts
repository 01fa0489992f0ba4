"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import {
  ClusterError,
  actionAccess,
  clusterNameSchema,
  connectCluster,
  contextNameSchema,
  inspectKubeconfig,
  limitConnectionTests,
  replaceClusterCredentials,
  suggestClusterName,
  testConnection,
  type ClusterCheck,
} from "@/lib/clusters";
import { MAX_KUBECONFIG_BYTES } from "@/lib/kube";
import { withTeamAction, type ActionResult } from "@/lib/tenancy";
import type { ConnectionTest, KubeconfigReply } from "../_kubeconfig/types";

// The form's fields. The kubeconfig comes as a file (bytes, so non-UTF-8 is caught) or as
// pasted text; both are capped here before the parser applies its own limit.
const fieldsSchema = z.object({
  slug: z.string().min(1).max(64),
  intent: z.enum(["inspect", "test", "save"]),
  clusterId: z.string().min(1).max(64).optional(),
  context: contextNameSchema.optional(),
  name: z.string().max(200).optional(),
  kubeconfig: z.string().max(MAX_KUBECONFIG_BYTES * 2).optional(),
});

const TOO_LARGE: KubeconfigReply = {
  refusal: {
    rule: "too-large",
    path: "",
    message: `The kubeconfig is larger than ${MAX_KUBECONFIG_BYTES / 1024} KiB; one cluster's kubeconfig is far smaller.`,
  },
};

function optional(value: FormDataEntryValue | null): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

async function uploadedBytes(form: FormData, pasted: string | undefined): Promise<Uint8Array | "too-large"> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_KUBECONFIG_BYTES) return "too-large";
    return new Uint8Array(await file.arrayBuffer());
  }
  return new TextEncoder().encode(pasted ?? "");
}

function testView(check: ClusterCheck): ConnectionTest {
  if (!check.ok) return { ok: false, status: check.status, message: check.message };
  return {
    ok: true,
    version: check.probe.version,
    nodeCount: check.probe.nodeCount,
    namespace: check.probe.namespace,
    actions: actionAccess(check.probe.permissions) ?? [],
  };
}

function unwrap(result: ActionResult<KubeconfigReply>): KubeconfigReply {
  return result.ok ? (result.data ?? {}) : { error: result.error };
}

/**
 * The Connect page and "Replace credentials": inspect a kubeconfig (list its contexts), test
 * the chosen context's connection, or test and save it (a new cluster, or new credentials for
 * `clusterId`). Nothing is stored unless the test succeeds.
 */
export async function submitKubeconfig(form: FormData): Promise<KubeconfigReply> {
  const parsed = fieldsSchema.safeParse({
    slug: form.get("slug"),
    intent: form.get("intent"),
    clusterId: optional(form.get("clusterId")),
    context: optional(form.get("context")),
    name: optional(form.get("name")) ?? "",
    kubeconfig: typeof form.get("kubeconfig") === "string" ? form.get("kubeconfig") : undefined,
  });
  if (!parsed.success) {
    const tooLarge = parsed.error.issues.some((i) => i.path[0] === "kubeconfig");
    return tooLarge ? TOO_LARGE : { error: "The form was not filled in as expected. Reload the page and try again." };
  }
  const input = parsed.data;
  let saved: string | null = null;
  const reply = await withTeamAction<KubeconfigReply>(input.slug, "clusters:manage", async (ctx) => {
    const bytes = await uploadedBytes(form, input.kubeconfig);
    if (bytes === "too-large") return { ok: true, data: TOO_LARGE };
    const inspected = inspectKubeconfig(bytes, input.context);
    if (!inspected.ok) return { ok: true, data: { refusal: inspected.refusal } };
    const { contexts, currentContext, config } = inspected.parsed;
    const chosen = contexts.find((c) => c.name === (config?.contextName ?? currentContext));
    const described: KubeconfigReply = {
      contexts,
      currentContext,
      // The context's name is what people call the cluster (kubectl config get-contexts).
      suggestedName: suggestClusterName(chosen?.name ?? contexts[0]?.name ?? "cluster"),
    };
    if (input.intent === "inspect") return { ok: true, data: described };
    if (!config) {
      return { ok: true, data: { ...described, fieldErrors: { context: ["This file has several contexts: choose one."] } } };
    }

    let name: string | undefined;
    if (input.intent === "save" && !input.clusterId) {
      const named = clusterNameSchema.safeParse(input.name);
      if (!named.success) return { ok: true, data: { ...described, fieldErrors: { name: named.error.issues.map((i) => i.message) } } };
      name = named.data;
    }
    try {
      await limitConnectionTests(ctx);
    } catch (err) {
      if (err instanceof ClusterError) return { ok: true, data: { ...described, error: err.message } };
      throw err;
    }
    const check = await testConnection(config);
    const test = testView(check);
    if (input.intent === "test" || !check.ok) {
      return {
        ok: true,
        data: { ...described, test, ...(check.ok || input.intent === "test" ? {} : { error: "The connection test failed, so nothing was saved." }) },
      };
    }
    try {
      if (input.clusterId) {
        await replaceClusterCredentials(ctx, input.clusterId, { config, probe: check.probe });
        revalidatePath(`/t/${ctx.team.slug}/clusters`, "layout");
        return { ok: true, data: { test, message: "New credentials saved. The old ones are no longer used." } };
      }
      const row = await connectCluster(ctx, { name: name!, config, probe: check.probe });
      saved = `/t/${ctx.team.slug}/clusters/${row.id}/settings`;
      revalidatePath(`/t/${ctx.team.slug}/clusters`);
      return { ok: true };
    } catch (err) {
      if (err instanceof ClusterError) {
        const field = err.code === "name-taken" ? { fieldErrors: { name: [err.message] } } : { error: err.message };
        return { ok: true, data: { ...described, test, ...field } };
      }
      throw err;
    }
  });
  // redirect() throws, so it stays outside the gate's callback.
  if (saved) redirect(saved);
  return unwrap(reply);
}
