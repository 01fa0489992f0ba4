import { describe, expect, it } from "vitest";
import { imageReferenceSchema, parseImageReference, parseRegistryList } from "./image-reference";

const DIGEST = `sha256:${"ab12".repeat(16)}`;

const refusal = (ref: string, registries: string[] = []) => {
  const r = imageReferenceSchema(registries).safeParse(ref);
  return r.success ? null : r.error.issues[0]!.message;
};

describe("image references", () => {
  it.each([
    "pystol-fault-runner:local",
    "busybox",
    "library/busybox:1.36",
    "registry.example.com/pystol/fault-runner:1.0",
    "registry.example.com:5000/pystol/fault-runner:1.0",
    "localhost:5000/runner",
    "localhost/runner:dev",
    "ghcr.io/acme/team_x/fault-runner:v2.1.0-rc.1",
    `ghcr.io/acme/fault-runner@${DIGEST}`,
    `ghcr.io/acme/fault-runner:1.0@${DIGEST}`,
    "[fd00::1]:5000/runner:1",
    "a__b/c---d.e:TAG_1",
  ])("accepts %s", (ref) => {
    expect(refusal(ref)).toBeNull();
  });

  it("trims what was typed", () => {
    expect(imageReferenceSchema().parse("  ghcr.io/acme/runner:1 \n")).toBe("ghcr.io/acme/runner:1");
  });

  it.each([
    ["fault runner:1", "no spaces or shell characters"],
    ["ghcr.io/acme/runner:1;rm -rf /", "no spaces or shell characters"],
    ["ghcr.io/acme/runner:$(id)", "no spaces or shell characters"],
    ["ghcr.io/acme/runner:`id`", "no spaces or shell characters"],
    ["ghcr.io/acme/runner|sh", "no spaces or shell characters"],
    ['"ghcr.io/acme/runner"', "no spaces or shell characters"],
    ["ghcr.io/Acme/runner:1", "not an image reference"],
    ["ghcr.io/acme/runner:", "not an image reference"],
    ["ghcr.io/acme/runner:-bad", "not an image reference"],
    [`ghcr.io/acme/runner:${"t".repeat(129)}`, "not an image reference"],
    ["ghcr.io//runner", "not an image reference"],
    ["-ghcr.io/runner", "not an image reference"],
    ["ghcr.io/acme/runner@sha256:", "not an image reference"],
    ["ghcr.io/acme/runner@sha256:abc", "not an image reference"],
    ["ghcr.io/acme/runner@md5:" + "a".repeat(32) + "x", "not an image reference"],
    ["https://ghcr.io/acme/runner", "not an image reference"],
    [`ghcr.io/acme/runner@sha256:${"a".repeat(63)}`, "64 hexadecimal characters"],
    [`ghcr.io/acme/runner@sha256:${"a".repeat(65)}`, "64 hexadecimal characters"],
    [`ghcr.io/${"a".repeat(250)}`, "at most 255 characters"],
    ["", "Type an image reference"],
    ["   ", "Type an image reference"],
  ])("refuses %s with a sentence", (ref, words) => {
    expect(refusal(ref)).toContain(words);
  });

  it("names the registry, docker.io for references that name none", () => {
    expect(parseImageReference("busybox:1")).toEqual({ registry: "docker.io", repository: "busybox", tag: "1", digest: undefined });
    expect(parseImageReference("acme/runner")?.registry).toBe("docker.io");
    expect(parseImageReference("Registry.Example.com:5000/acme/runner@" + DIGEST)).toEqual({
      registry: "registry.example.com:5000",
      repository: "acme/runner",
      tag: undefined,
      digest: DIGEST,
    });
    expect(parseImageReference("localhost/runner")?.registry).toBe("localhost");
  });
});

describe("allowed registries", () => {
  const allowed = parseRegistryList(" ghcr.io, registry.example.com:5000 ,,GHCR.io");

  it("reads the installation's comma list", () => {
    expect(allowed).toEqual(["ghcr.io", "registry.example.com:5000"]);
    expect(parseRegistryList("")).toEqual([]);
    expect(parseRegistryList(undefined)).toEqual([]);
  });

  it("accepts images from the listed registries", () => {
    expect(refusal("ghcr.io/acme/runner:1", allowed)).toBeNull();
    expect(refusal("registry.example.com:5000/pystol/runner", allowed)).toBeNull();
  });

  it("refuses any other registry, naming the allowed ones", () => {
    expect(refusal("quay.io/acme/runner:1", allowed)).toBe(
      "This installation takes runner images only from the registries ghcr.io, registry.example.com:5000; quay.io is not among them.",
    );
    // No registry named is docker.io, and a port is part of the registry.
    expect(refusal("acme/runner:1", allowed)).toContain("docker.io is not among them");
    expect(refusal("registry.example.com/pystol/runner", allowed)).toContain("registry.example.com is not among them");
    expect(refusal("acme/runner", ["ghcr.io"])).toBe("This installation takes runner images only from the registry ghcr.io; docker.io is not among them.");
  });

  it("accepts any registry when the list is empty", () => {
    expect(refusal("quay.io/acme/runner:1", [])).toBeNull();
  });
});
