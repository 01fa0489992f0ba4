import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyRingFromEnv, parseKeyRing } from "./key-ring";
import { SecretBoxError, open, reseal, seal, sealedKeyId } from "./secret-box";

const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");
const ring1 = parseKeyRing(`k1:${k1}`);
const ring2 = parseKeyRing(`k1:${k1},k2:${k2}`, "k2");
const SECRET = "token: SECRET-TOKEN-DO-NOT-LEAK";

describe("seal and open", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = seal(SECRET, { ring: ring1, context: "kubeconfig" });
    expect(sealed.includes(Buffer.from("SECRET"))).toBe(false);
    expect(sealedKeyId(sealed)).toBe("k1");
    expect(open(sealed, { ring: ring1, context: "kubeconfig" }).toString()).toBe(SECRET);
    expect(seal(SECRET, { ring: ring1 }).equals(seal(SECRET, { ring: ring1 }))).toBe(false);
  });

  it("refuses a wrong context, an altered byte, a swapped key id and an unknown key", () => {
    const sealed = seal(SECRET, { ring: ring2, context: "kubeconfig" });
    expect(() => open(sealed, { ring: ring2, context: "share-link" })).toThrow(SecretBoxError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1]! ^= 1;
    expect(() => open(altered, { ring: ring2, context: "kubeconfig" })).toThrow(/authentication/);
    const relabelled = Buffer.from(sealed);
    relabelled.write("k1", 2, "ascii");
    expect(() => open(relabelled, { ring: ring2, context: "kubeconfig" })).toThrow(SecretBoxError);
    expect(() => open(sealed, { ring: ring1, context: "kubeconfig" })).toThrow(/"k2", which is not/);
    expect(() => open(Buffer.from([9, 1, 2]), { ring: ring1 })).toThrow(/version/);
    expect(() => open(Buffer.from([1, 2, 65, 65]), { ring: ring1 })).toThrow(/truncated/);
  });

  it("rotates: old values open with the new ring and reseal under the current key", () => {
    const old = seal(SECRET, { ring: ring1, context: "kubeconfig" });
    const fresh = reseal(old, { ring: ring2, context: "kubeconfig" });
    expect(sealedKeyId(fresh)).toBe("k2");
    expect(open(fresh, { ring: parseKeyRing(`k2:${k2}`), context: "kubeconfig" }).toString()).toBe(SECRET);
  });
});

describe("key ring from the environment", () => {
  it("validates entries without echoing key material", () => {
    expect(() => parseKeyRing("k1:c2hvcnQ=")).toThrow(/"k1" must be 32 bytes/);
    expect(() => parseKeyRing(`k1:${k1},k2:${k2}`)).toThrow(/PYSTOL_ENCRYPTION_KEY_ID/);
    expect(() => parseKeyRing(`k1:${k1}`, "k9")).toThrow(/"k9" is not/);
    expect(() => parseKeyRing(`k1:${k1},k1:${k2}`, "k1")).toThrow(/twice/);
    try {
      parseKeyRing(`bad kid:${k1}`);
    } catch (err) {
      expect(String(err)).not.toContain(k1);
    }
  });

  it("uses a development key only outside production", () => {
    expect(keyRingFromEnv({ NODE_ENV: "test" }).currentId).toBe("dev");
    expect(() => keyRingFromEnv({ NODE_ENV: "production" })).toThrow(/required in production/);
    expect(
      keyRingFromEnv({
        NODE_ENV: "production",
        PYSTOL_ENCRYPTION_KEYS: `a:${k1},b:${k2}`,
        PYSTOL_ENCRYPTION_KEY_ID: "b",
      }).currentId,
    ).toBe("b");
  });
});
