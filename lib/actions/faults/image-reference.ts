import { z } from "zod";

// Container image references per the OCI distribution grammar (distribution/reference):
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component *( "/" path-component )
// A team's fault runner image is typed by a person and ends up in a pod spec that a cluster
// pulls: the grammar is checked in full here, so nothing else (spaces, quotes, shell
// characters, a second reference) can ride along.

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[_.]|__|-+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** The longest reference accepted (distribution's own limit on a name). */
export const IMAGE_REFERENCE_MAX = 255;

/** Registry of references that name none (as container runtimes read them). */
export const DEFAULT_REGISTRY = "docker.io";

const EXAMPLE = "registry.example.com/pystol/fault-runner:1.0";

export interface ImageReference {
  /** The registry host (with its port), lower-case; docker.io when the reference names none. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits a reference by the grammar; null when it is not one. */
export function parseImageReference(ref: string): ImageReference | null {
  if (ref.length > IMAGE_REFERENCE_MAX) return null;
  const m = REFERENCE.exec(ref);
  if (!m) return null;
  const name = m[1]!;
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  // The first component is a registry when it looks like a host (docker's own rule).
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  return {
    registry: hasDomain ? first.toLowerCase() : DEFAULT_REGISTRY,
    repository: hasDomain ? name.slice(slash + 1) : name,
    tag: m[2],
    digest: m[3],
  };
}

/** The registries an installation allows (PYSTOL_RUNNER_IMAGE_REGISTRIES); empty = any. */
export function parseRegistryList(list: string | undefined): string[] {
  return [...new Set((list ?? "").split(/[\s,]+/).map((r) => r.trim().toLowerCase()).filter(Boolean))];
}

/**
 * A runner image reference as a person types it: trimmed, then refused with one sentence
 * unless it is a reference by the grammar, at most 255 characters, from an allowed registry.
 */
export function imageReferenceSchema(allowedRegistries: readonly string[] = []) {
  return z
    .string()
    .transform((s) => s.trim())
    .superRefine((ref, ctx) => {
      const refuse = (message: string) => ctx.addIssue({ code: "custom", message });
      if (ref === "") return refuse(`Type an image reference, e.g. ${EXAMPLE}.`);
      if (ref.length > IMAGE_REFERENCE_MAX) return refuse(`An image reference has at most ${IMAGE_REFERENCE_MAX} characters; this one has ${ref.length}.`);
      if (/[\s;|&$`'"\\<>(){}*?!#~^%]/.test(ref)) {
        return refuse("An image reference has no spaces or shell characters (; | & $ ` quotes, backslashes, brackets, * ? ! # ~).");
      }
      const parsed = parseImageReference(ref);
      if (!parsed) {
        return refuse(
          `That is not an image reference: write registry/repository[:tag][@sha256:digest], e.g. ${EXAMPLE} (repository in lower case; a tag of letters, digits, ".", "_" and "-").`,
        );
      }
      if (parsed.digest?.toLowerCase().startsWith("sha256:") && !/^sha256:[0-9a-fA-F]{64}$/i.test(parsed.digest)) {
        return refuse("A sha256 digest has exactly 64 hexadecimal characters after sha256:.");
      }
      if (allowedRegistries.length > 0 && !allowedRegistries.includes(parsed.registry)) {
        const allowed = allowedRegistries.join(", ");
        return refuse(
          `This installation takes runner images only from ${allowedRegistries.length === 1 ? "the registry" : "the registries"} ${allowed}; ${parsed.registry} is not among them.`,
        );
      }
    });
}
