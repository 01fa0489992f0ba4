import { z } from "zod";
import { open, seal, sealedKeyId } from "@/lib/crypto";
import type { ValidatedKubeconfig } from "./types";
import { unloggableKubeconfig } from "./unloggable";

/** The secret-box purpose for stored kubeconfigs; a value sealed for anything else will not open. */
export const KUBECONFIG_SEAL_CONTEXT = "pystol:kubeconfig:v1";

const text = z.string().min(1).max(16384);
// Strict: a stored row that grew any other field (an exec, a file path) is refused on open,
// even though the client factory would ignore it.
const schema = z
  .object({
    contextName: text,
    namespace: text.optional(),
    cluster: z
      .object({
        name: text,
        server: z.string().regex(/^https?:\/\/[^/@?#]+(\/[^?#]*)?$/),
        caData: z.string().optional(),
        tlsServerName: text.optional(),
      })
      .strict(),
    user: z
      .object({
        name: text,
        token: text.optional(),
        certData: z.string().optional(),
        keyData: z.string().optional(),
        username: text.optional(),
        password: text.optional(),
      })
      .strict(),
  })
  .strict();

/** Encrypts a validated kubeconfig for the `Cluster.kubeconfigCiphertext` / `kubeconfigKeyId` columns. */
export function sealKubeconfig(config: ValidatedKubeconfig): { ciphertext: Buffer; keyId: string } {
  const ciphertext = seal(JSON.stringify(schema.parse(config)), { context: KUBECONFIG_SEAL_CONTEXT });
  return { ciphertext, keyId: sealedKeyId(ciphertext) };
}

/** Decrypts and re-checks a stored kubeconfig; throws without revealing its content. */
export function openKubeconfig(ciphertext: Uint8Array): ValidatedKubeconfig {
  const json = open(ciphertext, { context: KUBECONFIG_SEAL_CONTEXT }).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    // JSON.parse quotes the input in its message; the input is a credential.
    throw new Error("the stored kubeconfig is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error("the stored kubeconfig does not have the expected shape");
  return unloggableKubeconfig(parsed.data);
}

/** The API server's host (and port), for display to the team; never the credentials. */
export function serverHostOf(config: ValidatedKubeconfig): string {
  return new URL(config.cluster.server).host;
}
