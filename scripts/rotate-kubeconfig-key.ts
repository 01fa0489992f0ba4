// Re-encrypts every stored secret sealed with the encryption keys under the current key
// (PYSTOL_ENCRYPTION_KEY_ID): the clusters' kubeconfigs and the teams' Prometheus connections.
// Rotation: add the new key to PYSTOL_ENCRYPTION_KEYS beside the old one, make it current,
// deploy, run this, and remove the old key only once it reports no failures.
//   npx tsx scripts/rotate-kubeconfig-key.ts [--dry-run]
import { db } from "@/lib/db";
import { type RotationReport, type RotationStore, rotateKubeconfigKeys } from "@/lib/kube";
import { PROMETHEUS_SEAL_CONTEXT } from "@/lib/teams/prometheus";

const kubeconfigs: RotationStore = {
  listStale: (currentKeyId, afterId, take) =>
    db.cluster.findMany({
      where: {
        kubeconfigCiphertext: { not: null },
        OR: [{ kubeconfigKeyId: { not: currentKeyId } }, { kubeconfigKeyId: null }],
      },
      select: { id: true, kubeconfigCiphertext: true, updatedAt: true },
      orderBy: { id: "asc" },
      take,
      ...(afterId ? { cursor: { id: afterId }, skip: 1 } : {}),
    }),
  replace: async (id, updatedAt, ciphertext, keyId) => {
    // Written only if the row is as it was read, so a kubeconfig uploaded meanwhile stays.
    const { count } = await db.cluster.updateMany({
      where: { id, updatedAt },
      data: { kubeconfigCiphertext: new Uint8Array(ciphertext), kubeconfigKeyId: keyId },
    });
    return count === 1;
  },
};

const prometheusConnections: RotationStore = {
  listStale: async (currentKeyId, afterId, take) =>
    (
      await db.team.findMany({
        where: {
          prometheusCiphertext: { not: null },
          OR: [{ prometheusKeyId: { not: currentKeyId } }, { prometheusKeyId: null }],
        },
        select: { id: true, prometheusCiphertext: true, updatedAt: true },
        orderBy: { id: "asc" },
        take,
        ...(afterId ? { cursor: { id: afterId }, skip: 1 } : {}),
      })
    ).map((t) => ({ id: t.id, kubeconfigCiphertext: t.prometheusCiphertext, updatedAt: t.updatedAt })),
  replace: async (id, updatedAt, ciphertext, keyId) => {
    const { count } = await db.team.updateMany({
      where: { id, updatedAt },
      data: { prometheusCiphertext: new Uint8Array(ciphertext), prometheusKeyId: keyId },
    });
    return count === 1;
  },
};

function print(what: string, dryRun: boolean, report: RotationReport): void {
  console.log(
    `${dryRun ? "[dry run] " : ""}${what}, current key ${report.currentKeyId}: examined ${report.examined}, ` +
      `resealed ${report.resealed}, changed meanwhile ${report.changedMeanwhile}, failed ${report.failed.length}`,
  );
}

async function main(): Promise<number> {
  const dryRun = process.argv.includes("--dry-run");
  const clusters = await rotateKubeconfigKeys(kubeconfigs, { dryRun });
  print("kubeconfigs", dryRun, clusters);
  for (const f of clusters.failed) console.error(`cluster ${f.id}: ${f.message}`);
  const teams = await rotateKubeconfigKeys(prometheusConnections, { dryRun, context: PROMETHEUS_SEAL_CONTEXT });
  print("Prometheus connections", dryRun, teams);
  for (const f of teams.failed) console.error(`team ${f.id}: ${f.message}`);
  return clusters.failed.length + teams.failed.length === 0 ? 0 : 1;
}

main()
  .then((code) => (process.exitCode = code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : "rotation failed");
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
