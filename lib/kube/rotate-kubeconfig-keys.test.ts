import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, parseKeyRing, seal, sealedKeyId } from "@/lib/crypto";
import { type RotationStore, type StoredRow, rotateKubeconfigKeys } from "./rotate-kubeconfig-keys";
import { KUBECONFIG_SEAL_CONTEXT } from "./stored-kubeconfig";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");
const oldRing = parseKeyRing(`k1:${k1}`);
const newRing = parseKeyRing(`k1:${k1},k2:${k2}`, "k2");

function memoryStore(rows: (StoredRow & { keyId: string | null })[]): RotationStore & { rows: typeof rows } {
  return {
    rows,
    async listStale(current, after, take) {
      return rows
        .filter((r) => r.kubeconfigCiphertext && r.keyId !== current && (after === null || r.id > after))
        .sort((a, b) => a.id.localeCompare(b.id))
        .slice(0, take);
    },
    async replace(id, updatedAt, ciphertext, keyId) {
      const row = rows.find((r) => r.id === id)!;
      if (row.updatedAt.getTime() !== updatedAt.getTime()) return false;
      Object.assign(row, {
        kubeconfigCiphertext: ciphertext,
        keyId,
        updatedAt: new Date(updatedAt.getTime() + 1),
      });
      return true;
    },
  };
}

describe("rotateKubeconfigKeys", () => {
  it("reseals every old row under the current key, in batches, and is idempotent", async () => {
    const sealOld = (s: string) => seal(s, { ring: oldRing, context: KUBECONFIG_SEAL_CONTEXT });
    const store = memoryStore(
      Array.from({ length: 7 }, (_, i) => ({
        id: `c${i}`,
        kubeconfigCiphertext: sealOld(`config ${i}`),
        updatedAt: new Date(0),
        keyId: "k1",
      })),
    );
    store.rows.push({
      id: "c9",
      kubeconfigCiphertext: Buffer.from([1, 2, 107, 49]),
      updatedAt: new Date(0),
      keyId: "k1",
    });
    const report = await rotateKubeconfigKeys(store, { ring: newRing, batchSize: 3 });
    expect(report).toMatchObject({ currentKeyId: "k2", examined: 8, resealed: 7, changedMeanwhile: 0 });
    expect(report.failed).toEqual([{ id: "c9", message: expect.stringMatching(/truncated/) }]);
    for (const row of store.rows.slice(0, 7)) {
      expect(sealedKeyId(row.kubeconfigCiphertext!)).toBe("k2");
      const onlyNew = parseKeyRing(`k2:${k2}`);
      expect(
        open(row.kubeconfigCiphertext!, { ring: onlyNew, context: KUBECONFIG_SEAL_CONTEXT }).toString(),
      ).toMatch(/^config \d$/);
    }
    const again = await rotateKubeconfigKeys(store, { ring: newRing });
    expect(again.resealed).toBe(0);
  });

  it("changes nothing in a dry run", async () => {
    const store = memoryStore([
      {
        id: "a",
        kubeconfigCiphertext: seal("x", { ring: oldRing, context: KUBECONFIG_SEAL_CONTEXT }),
        updatedAt: new Date(0),
        keyId: "k1",
      },
    ]);
    const report = await rotateKubeconfigKeys(store, { ring: newRing, dryRun: true });
    expect(report).toMatchObject({ examined: 1, resealed: 0 });
    expect(sealedKeyId(store.rows[0]!.kubeconfigCiphertext!)).toBe("k1");
  });
});
