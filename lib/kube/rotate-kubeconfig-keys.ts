import { type KeyRing, keyRingFromEnv, reseal, sealedKeyId } from "@/lib/crypto";
import { KUBECONFIG_SEAL_CONTEXT } from "./stored-kubeconfig";

export interface StoredRow {
  id: string;
  kubeconfigCiphertext: Uint8Array | null;
  updatedAt: Date;
}

/** The two queries rotation needs, so the logic is testable without a database. */
export interface RotationStore {
  /** Rows with a kubeconfig not recorded under `currentKeyId`, ordered by id, after `afterId`. */
  listStale(currentKeyId: string, afterId: string | null, take: number): Promise<StoredRow[]>;
  /** Replaces the sealed value if the row is unchanged since read; false when it changed. */
  replace(id: string, updatedAt: Date, ciphertext: Uint8Array, keyId: string): Promise<boolean>;
}

export interface RotationReport {
  currentKeyId: string;
  examined: number;
  resealed: number;
  /** Rows changed by someone else while rotating (they were sealed anew by that write). */
  changedMeanwhile: number;
  failed: { id: string; message: string }[];
}

/**
 * Re-encrypts every stored kubeconfig under the current key (or, with `context`, every secret
 * sealed for that purpose, such as the teams' Prometheus connections). Safe to run again and while the
 * app runs: rows are read in id order and written only if unchanged. Reports ids and counts,
 * never contents.
 */
export async function rotateKubeconfigKeys(
  store: RotationStore,
  options: { ring?: KeyRing; dryRun?: boolean; batchSize?: number; context?: string } = {},
): Promise<RotationReport> {
  const ring = options.ring ?? keyRingFromEnv();
  const report: RotationReport = {
    currentKeyId: ring.currentId,
    examined: 0,
    resealed: 0,
    changedMeanwhile: 0,
    failed: [],
  };
  let after: string | null = null;
  for (;;) {
    const rows = await store.listStale(ring.currentId, after, options.batchSize ?? 100);
    if (rows.length === 0) break;
    for (const row of rows) {
      report.examined += 1;
      if (!row.kubeconfigCiphertext) continue;
      try {
        if (sealedKeyId(row.kubeconfigCiphertext) === ring.currentId && !options.dryRun) {
          // Already sealed under the current key; only the recorded key id was stale.
          const ok = await store.replace(row.id, row.updatedAt, row.kubeconfigCiphertext, ring.currentId);
          if (ok) report.resealed += 1;
          else report.changedMeanwhile += 1;
          continue;
        }
        const fresh = reseal(row.kubeconfigCiphertext, { ring, context: options.context ?? KUBECONFIG_SEAL_CONTEXT });
        if (options.dryRun) continue;
        if (await store.replace(row.id, row.updatedAt, new Uint8Array(fresh), ring.currentId))
          report.resealed += 1;
        else report.changedMeanwhile += 1;
      } catch (err) {
        report.failed.push({ id: row.id, message: err instanceof Error ? err.message : "unknown error" });
      }
    }
    after = rows[rows.length - 1]!.id;
  }
  return report;
}
