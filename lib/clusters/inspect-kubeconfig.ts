import { KubeconfigError, parseKubeconfig, type ParsedKubeconfig } from "@/lib/kube";

/** Why an upload was refused: the rule id, the place in the file, and a sentence naming both. */
export interface KubeconfigRefusal {
  rule: string;
  path: string;
  message: string;
}

export type InspectResult = { ok: true; parsed: ParsedKubeconfig } | { ok: false; refusal: KubeconfigRefusal };

/**
 * Reads an uploaded or pasted kubeconfig under every safety rule (lib/kube) and reduces it to
 * `context` when given (the size limit, UTF-8 and the rest are the parser's). Refusals carry
 * no credential from the file.
 */
export function inspectKubeconfig(bytes: Uint8Array, context?: string): InspectResult {
  if (bytes.byteLength === 0) {
    return { ok: false, refusal: { rule: "empty", path: "", message: "The kubeconfig is empty. Choose a file or paste its content." } };
  }
  try {
    const parsed = parseKubeconfig(bytes, context ? { context } : {});
    return { ok: true, parsed };
  } catch (err) {
    if (err instanceof KubeconfigError) return { ok: false, refusal: { rule: err.rule, path: err.path, message: err.message } };
    // Anything else is our fault; its message could quote the input, so it is not shown.
    return { ok: false, refusal: { rule: "unreadable", path: "", message: "The kubeconfig could not be read." } };
  }
}
