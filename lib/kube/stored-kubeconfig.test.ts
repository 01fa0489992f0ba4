import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seal } from "@/lib/crypto";
import { createAddressPolicy } from "./address-guard";
import { parseKubeconfig } from "./parse-kubeconfig";
import { KUBECONFIG_SEAL_CONTEXT, openKubeconfig, sealKubeconfig, serverHostOf } from "./stored-kubeconfig";

const TOKEN = "SECRET-TOKEN-DO-NOT-LEAK-7f3a9c";
const file = readFileSync(path.join(import.meta.dirname, "testdata/valid/client-certificate.kubeconfig"));
const config = parseKubeconfig(file, { policy: createAddressPolicy([]) }).config!;

describe("stored kubeconfigs", () => {
  it("seal to bytes holding no credential, and open to the same config", () => {
    const { ciphertext, keyId } = sealKubeconfig(config);
    const bytes = ciphertext.toString("latin1");
    for (const s of [
      config.user.keyData!.slice(10, 50),
      config.user.certData!.slice(10, 50),
      "PRIVATE KEY",
      "example.com",
    ]) {
      expect(bytes).not.toContain(s);
    }
    expect(keyId).toBeTruthy();
    expect(openKubeconfig(ciphertext)).toEqual(config);
    expect(serverHostOf(config)).toBe("k8s.example.com:6443");
  });

  it("refuse a stored value that grew an exec, or was sealed for another purpose", () => {
    const tampered = { ...config, user: { ...config.user, exec: { command: "/bin/sh" } } };
    expect(() =>
      openKubeconfig(seal(JSON.stringify(tampered), { context: KUBECONFIG_SEAL_CONTEXT })),
    ).toThrow(/shape/);
    expect(() => openKubeconfig(seal(JSON.stringify(config), { context: "share-link" }))).toThrow(
      /authentication/,
    );
    const err = (() => {
      try {
        openKubeconfig(
          seal(JSON.stringify({ ...config, user: { token: TOKEN } }), { context: KUBECONFIG_SEAL_CONTEXT }),
        );
      } catch (e) {
        return String(e);
      }
    })();
    expect(err).not.toContain(TOKEN);
  });
});
