import { z } from "zod";
import { unsafeRegexReason } from "./safe-regex";

// A check definition, as a team writes it: what to ask and what answer counts as healthy.
// Every refusal is a sentence about the field, so the editor and the API can show it as is.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const namespace = z
  .string({ error: "The namespace is required." })
  .max(63, { error: "A namespace name has at most 63 characters." })
  .regex(DNS_LABEL, { error: "A namespace name is lower-case letters, digits and hyphens, such as shop." });

const objectName = (what: string) =>
  z
    .string({ error: `The ${what} name is required.` })
    .max(253, { error: `A ${what} name has at most 253 characters.` })
    .regex(DNS_SUBDOMAIN, {
      error: `A ${what} name is lower-case letters, digits, hyphens and dots, such as checkout.`,
    });

/** An object that refuses keys it does not know, naming them. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, knows: string) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `${knows}; remove ${issue.keys.join(", ")}.`
        : `${knows.split(" knows")[0]} is an object: ${knows.slice(knows.indexOf("knows") + 6).replace(/ only$/, "")}.`,
  });
}

const name = z
  .string({ error: "The check's name is required." })
  .trim()
  .min(1, { error: "The check's name is required." })
  .max(80, { error: "The check's name has at most 80 characters." });

const comparison = z.enum(["==", "!=", "<", "<=", ">", ">="], {
  error: "The comparison must be one of ==, !=, <, <=, >, >=.",
});
export type Comparison = z.infer<typeof comparison>;

const finite = (what: string) =>
  z
    .number({ error: `${what} must be a number.` })
    .refine(Number.isFinite, { error: `${what} must be a finite number.` });

const count = (what: string) =>
  z
    .number({ error: `${what} must be a whole number.` })
    .int({ error: `${what} must be a whole number.` })
    .min(0, { error: `${what} cannot be negative.` })
    .max(100_000, { error: `${what} is at most 100000.` });

/** A label selector as kubectl takes it (`app=cart,tier!=db`); the API server checks its grammar. */
const selector = z
  .string({ error: "The label selector is required, such as app=cart." })
  .trim()
  .min(1, { error: "The label selector is required, such as app=cart." })
  .max(1024, { error: "The label selector has at most 1024 characters." })
  .regex(/^[A-Za-z0-9_.\-/=!,()\s]+$/, {
    error: "The label selector may use letters, digits, . - _ / = ! , ( ) and spaces, such as app=cart.",
  });

// --- HTTP ---------------------------------------------------------------------------------

/** `200`, `2xx`, `200-299`: single codes, classes and ranges. */
const STATUS_TERM = /^([1-5][0-9][0-9]|[1-5]xx|[1-5][0-9][0-9]-[1-5][0-9][0-9])$/;

const statusCodes = z
  .array(
    z
      .string({ error: "Each expected status is a code (200), a class (2xx) or a range (200-299)." })
      .trim()
      .toLowerCase()
      .regex(STATUS_TERM, {
        error:
          "Each expected status is a code (200), a class (2xx) or a range (200-299), between 100 and 599.",
      })
      .refine((t) => !t.includes("-") || Number(t.slice(0, 3)) <= Number(t.slice(4)), {
        error: "A status range goes from the lower code to the higher, such as 200-299.",
      }),
    { error: 'The expected statuses are a list, such as ["2xx"].' },
  )
  .min(1, { error: "List at least one expected status, such as 2xx." })
  .max(20, { error: "List at most 20 expected statuses." });

export const MAX_BODY_PATTERN = 200;

const httpExpect = strict(
  {
    status: statusCodes.default(["2xx"]),
    maxLatencyMs: z
      .number({ error: "The latency limit is a number of milliseconds." })
      .int({ error: "The latency limit is a whole number of milliseconds." })
      .min(1, { error: "The latency limit is at least 1 ms." })
      .max(60_000, { error: "The latency limit is at most 60000 ms." })
      .optional(),
    bodyContains: z
      .string({ error: "The text the body must contain is a string." })
      .min(1, { error: "The text the body must contain cannot be empty." })
      .max(1000, { error: "The text the body must contain has at most 1000 characters." })
      .optional(),
    bodyMatches: z
      .string({ error: "The pattern the body must match is a string." })
      .min(1, { error: "The pattern the body must match cannot be empty." })
      .max(MAX_BODY_PATTERN, {
        error: `The pattern the body must match has at most ${MAX_BODY_PATTERN} characters.`,
      })
      .superRefine((p, ctx) => {
        const reason = unsafeRegexReason(p);
        if (reason)
          ctx.addIssue({ code: "custom", message: `The pattern the body must match is refused: ${reason}.` });
      })
      .optional(),
  },
  "The expectations know status, maxLatencyMs, bodyContains and bodyMatches only",
).default({ status: ["2xx"] });

const path = z
  .string({ error: "The path is a string, such as /healthz." })
  .max(2048, { error: "The path has at most 2048 characters." })
  .regex(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$/, {
    error: "The path starts with / and uses URL characters only, such as /checkout?quick=1.",
  })
  .refine(
    (p) =>
      !p
        .split("?")[0]!
        .split("/")
        .some((s) => s === ".." || s === "." || /%2e/i.test(s) || /%2f/i.test(s)),
    {
      error: "The path cannot contain . or .. segments or encoded slashes.",
    },
  )
  .default("/");

const PORT_ERROR = "The port is a number from 1 to 65535 or a port name such as http.";
const port = z.union(
  [
    z
      .number({ error: PORT_ERROR })
      .int({ error: PORT_ERROR })
      .min(1, { error: PORT_ERROR })
      .max(65535, { error: PORT_ERROR }),
    z.string({ error: PORT_ERROR }).max(15, { error: PORT_ERROR }).regex(DNS_LABEL, { error: PORT_ERROR }),
  ],
  { error: PORT_ERROR },
);

const method = z.enum(["GET", "HEAD", "POST"], { error: "The method is GET, HEAD or POST." }).default("GET");

const serviceTarget = strict(
  {
    kind: z.literal("service"),
    namespace,
    service: objectName("service"),
    port,
    path,
    method,
  },
  "A service target knows namespace, service, port, path and method only",
);

const urlTarget = strict(
  {
    kind: z.literal("url"),
    url: z
      .string({ error: "The URL is required, such as https://shop.example.com/healthz." })
      .max(2048, { error: "The URL has at most 2048 characters." })
      .refine(
        (u) => {
          try {
            const p = new URL(u);
            return (
              (p.protocol === "https:" || p.protocol === "http:") &&
              !p.username &&
              !p.password &&
              p.hostname !== ""
            );
          } catch {
            return false;
          }
        },
        {
          error:
            "The URL must be an http:// or https:// address without a user name or password, such as https://shop.example.com/healthz.",
        },
      ),
    method,
  },
  "A URL target knows url and method only",
);

const httpTarget = z.discriminatedUnion("kind", [serviceTarget, urlTarget], {
  error: 'The target is either { kind: "service", namespace, service, port, path } or { kind: "url", url }.',
});

const httpCheck = strict(
  {
    type: z.literal("http"),
    target: httpTarget,
    expect: httpExpect,
  },
  "An HTTP check knows name, type, target and expect only",
);

// --- Kubernetes ---------------------------------------------------------------------------

const workloadReplicas = strict(
  {
    condition: z.literal("workload-available"),
    workload: z.enum(["Deployment", "StatefulSet"], {
      error: "The workload is a Deployment or a StatefulSet.",
    }),
    namespace,
    name: objectName("workload"),
    minAvailable: count("The minimum of available replicas"),
  },
  "A workload check knows workload, namespace, name and minAvailable only",
);

const podsReady = strict(
  {
    condition: z.literal("pods-ready"),
    namespace,
    selector,
    minReadyPercent: z
      .number({ error: "The share of Ready pods is a percentage from 0 to 100." })
      .min(0, { error: "The share of Ready pods is a percentage from 0 to 100." })
      .max(100, { error: "The share of Ready pods is a percentage from 0 to 100." }),
  },
  "A Ready-pods check knows namespace, selector and minReadyPercent only",
);

const noCrashLoop = strict(
  { condition: z.literal("no-crash-loop"), namespace, selector },
  "A crash-loop check knows namespace and selector only",
);

const nodesReady = strict(
  { condition: z.literal("nodes-ready"), minReady: count("The minimum of Ready nodes") },
  "A Ready-nodes check knows minReady only",
);

/** `.status.readyReplicas`, `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export const FIELD_PATH =
  /^\.?([A-Za-z_$][\w$-]*|\[\d+\]|\["[^"\\]+"\])(\.[A-Za-z_$][\w$-]*|\[\d+\]|\["[^"\\]+"\])*$/;

const objectField = strict(
  {
    condition: z.literal("object-field"),
    apiVersion: z
      .string({ error: "The apiVersion is required, such as apps/v1." })
      .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/, {
        error: "The apiVersion is a group and version such as apps/v1, or v1 for the core group.",
      }),
    kind: z.string({ error: "The kind is required, such as Deployment." }).regex(/^[A-Z][A-Za-z0-9]{0,62}$/, {
      error:
        "The kind is a Kubernetes kind such as Deployment (letters and digits, starting with a capital).",
    }),
    namespace: namespace.optional(),
    name: objectName("object"),
    field: z
      .string({ error: "The field path is required, such as .status.readyReplicas." })
      .max(256, { error: "The field path has at most 256 characters." })
      .regex(FIELD_PATH, {
        error:
          'The field path is names joined by dots, with [n] for list items and ["key"] for keys with dots, such as .status.conditions[0].type.',
      }),
    op: z.enum(["==", "!=", "<", "<=", ">", ">=", "contains"], {
      error: "The comparison must be one of ==, !=, <, <=, >, >=, contains.",
    }),
    value: z.union([z.string().max(1000), z.number(), z.boolean()], {
      error: "The value to compare with is a string (up to 1000 characters), a number or true/false.",
    }),
  },
  "An object-field check knows apiVersion, kind, namespace, name, field, op and value only",
).refine((c) => !["<", "<=", ">", ">="].includes(c.op) || typeof c.value === "number", {
  error: "The comparisons <, <=, > and >= need a number to compare with.",
  path: ["value"],
});

const kubernetesCondition = z.discriminatedUnion(
  "condition",
  [workloadReplicas, podsReady, noCrashLoop, nodesReady, objectField],
  {
    error:
      "The condition is one of workload-available, pods-ready, no-crash-loop, nodes-ready, object-field.",
  },
);

const kubernetesCheck = strict(
  { type: z.literal("kubernetes"), check: kubernetesCondition },
  "A Kubernetes check knows name, type and check only",
);

// --- Prometheus ---------------------------------------------------------------------------

const prometheusCheck = strict(
  {
    type: z.literal("prometheus"),
    query: z
      .string({ error: "The PromQL query is required." })
      .trim()
      .min(1, { error: "The PromQL query is required." })
      .max(4000, { error: "The PromQL query has at most 4000 characters." }),
    op: comparison,
    threshold: finite("The threshold"),
  },
  "A Prometheus check knows name, type, query, op and threshold only",
);

// --- The check ----------------------------------------------------------------------------

export const checkSchema = z.discriminatedUnion(
  "type",
  [httpCheck.extend({ name }), kubernetesCheck.extend({ name }), prometheusCheck.extend({ name })],
  {
    error: (issue) =>
      issue.input === undefined || typeof issue.input !== "object"
        ? "A check is an object with a name and a type (http, kubernetes or prometheus)."
        : "The check's type is http, kubernetes or prometheus.",
  },
);

export type CheckDefinition = z.infer<typeof checkSchema>;
/** What a person or the API sends, before defaults (status 2xx, path /, GET). */
export type CheckInput = z.input<typeof checkSchema>;
export type HttpCheck = Extract<CheckDefinition, { type: "http" }>;
export type KubernetesCheck = Extract<CheckDefinition, { type: "kubernetes" }>;
export type KubernetesCondition = KubernetesCheck["check"];
export type PrometheusCheck = Extract<CheckDefinition, { type: "prometheus" }>;

/** The team's Prometheus: where PromQL checks are asked. The URL passes the address guard. */
export const prometheusConnectionSchema = strict(
  {
    url: z
      .string({ error: "The Prometheus URL is required, such as https://prometheus.example.com." })
      .max(2048, { error: "The Prometheus URL has at most 2048 characters." })
      .refine(
        (u) => {
          try {
            const p = new URL(u);
            return (
              (p.protocol === "https:" || p.protocol === "http:") &&
              !p.username &&
              !p.password &&
              !p.search &&
              !p.hash
            );
          } catch {
            return false;
          }
        },
        {
          error:
            "The Prometheus URL is an http:// or https:// address without credentials, query or fragment, such as https://prometheus.example.com.",
        },
      ),
    bearerToken: z
      .string({ error: "The bearer token is a string." })
      .min(1, { error: "The bearer token cannot be empty; leave it out when there is none." })
      .max(8192, { error: "The bearer token has at most 8192 characters." })
      .regex(/^[\x21-\x7e]+$/, { error: "The bearer token has printable characters only, without spaces." })
      .optional(),
  },
  "A Prometheus connection knows url and bearerToken only",
);
export type PrometheusConnection = z.infer<typeof prometheusConnectionSchema>;

export type ParsedCheck =
  { ok: true; check: CheckDefinition } | { ok: false; errors: { path: string; message: string }[] };

/** Validates a definition; on refusal, one sentence per problem with the field's path (`target.port`). */
export function parseCheck(input: unknown): ParsedCheck {
  const r = checkSchema.safeParse(input);
  if (r.success) return { ok: true, check: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
  };
}
