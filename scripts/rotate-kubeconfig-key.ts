// Re-encrypts every stored kubeconfig under the current key (PYSTOL_ENCRYPTION_KEY_ID).
// Rotation: add the new key to PYSTOL_ENCRYPTION_KEYS beside the old one, make it current,
// deploy, run this, and remove the old key only once it reports no failures.
//   npx tsx scripts/rotate-kubeconfig-key.ts [--dry-run]
import { db } from "@/lib/db";
import { type RotationStore, rotateKubeconfigKeys } from "@/lib/kube";

const store: RotationStore = {
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

async function main(): Promise<number> {
  const dryRun = process.argv.includes("--dry-run");
  const report = await rotateKubeconfigKeys(store, { dryRun });
  console.log(
    `${dryRun ? "[dry run] " : ""}current key ${report.currentKeyId}: examined ${report.examined}, ` +
      `resealed ${report.resealed}, changed meanwhile ${report.changedMeanwhile}, failed ${report.failed.length}`,
  );
  for (const f of report.failed) console.error(`cluster ${f.id}: ${f.message}`);
  return report.failed.length === 0 ? 0 : 1;
}

main()
  .then((code) => (process.exitCode = code))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : "rotation failed");
    process.exitCode = 1;
  })
  .finally(() => db.$disconnect());
