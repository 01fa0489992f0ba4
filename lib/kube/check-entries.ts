import { type Place, child, entryPlace, refuse } from "./kubeconfig-error";
import { type Mapping, extensions, isMapping, optionalText, pemData, text } from "./check-values";
import { checkServer, type ServerRules } from "./check-server";
import type { ValidatedKubeconfig } from "./types";

type Cluster = ValidatedKubeconfig["cluster"];
type User = ValidatedKubeconfig["user"];

// Keys that make a client read a file, run a program or route through a third party. Each
// gets its own rule and message because each is a different thing to fix in the file.
const CLUSTER_REFUSED: Record<string, [string, string]> = {
  "certificate-authority": [
    "certificate-authority-file",
    "file references are not accepted; embed the CA as certificate-authority-data",
  ],
  "proxy-url": ["proxy-url", "proxies are not accepted; the API server must be reachable directly"],
};

const USER_REFUSED: Record<string, [string, string]> = {
  exec: [
    "exec-plugin",
    "exec credential plugins run a program and are not accepted; use a token or a client certificate",
  ],
  "auth-provider": [
    "auth-provider",
    "auth-provider plugins are not accepted; use a token or a client certificate",
  ],
  "client-certificate": [
    "client-certificate-file",
    "file references are not accepted; embed the certificate as client-certificate-data",
  ],
  "client-key": ["client-key-file", "file references are not accepted; embed the key as client-key-data"],
  tokenFile: ["token-file", "token files are not accepted; put the token inline as token"],
  "token-file": ["token-file", "token files are not accepted; put the token inline as token"],
  as: ["impersonation", "impersonation is not accepted; connect with the identity itself"],
  "as-uid": ["impersonation", "impersonation is not accepted; connect with the identity itself"],
  "as-groups": ["impersonation", "impersonation is not accepted; connect with the identity itself"],
  "as-user-extra": ["impersonation", "impersonation is not accepted; connect with the identity itself"],
};

// The safety rules, most dangerous first: a program run on our machine, then plugins, then
// reads of our files, then acting as someone else, then traffic through a third party.
const SAFETY_ORDER = [
  "exec-plugin",
  "auth-provider",
  "certificate-authority-file",
  "client-certificate-file",
  "client-key-file",
  "token-file",
  "impersonation",
  "proxy-url",
];

/**
 * Looks through every cluster and user entry for the keys a shared worker must never act on,
 * before any format check, and refuses with the most dangerous one found. A file with an exec
 * plugin and a broken CA is refused for the exec plugin: that is what its author must hear.
 * Entries whose shape is wrong are skipped here; the format checks that follow name them.
 */
export function checkSafety(doc: Mapping): void {
  let worst: { rank: number; rule: string; place: Place; message: string } | null = null;
  const lists = [
    ["clusters", "cluster", CLUSTER_REFUSED],
    ["users", "user", USER_REFUSED],
  ] as const;
  for (const [key, inner, refused] of lists) {
    const items = doc[key];
    if (!Array.isArray(items)) continue;
    for (const [i, item] of (items as unknown[]).entries()) {
      if (!isMapping(item) || !isMapping(item[inner])) continue;
      for (const field of Object.keys(item[inner])) {
        const hit = refused[field];
        if (!hit) continue;
        const rank = SAFETY_ORDER.indexOf(hit[0]);
        if (worst === null || rank < worst.rank) {
          const place = child(child(entryPlace(key, i, item.name), inner), field);
          worst = { rank, rule: hit[0], place, message: hit[1] };
        }
      }
    }
  }
  if (worst !== null) {
    const { rule, place, message } = worst;
    refuse(rule, place, message);
  }
}

const CLUSTER_KEYS = new Set([
  "server",
  "certificate-authority-data",
  "tls-server-name",
  "insecure-skip-tls-verify",
  "disable-compression",
  "extensions",
]);
const USER_KEYS = new Set([
  "token",
  "client-certificate-data",
  "client-key-data",
  "username",
  "password",
  "extensions",
]);
const CONTEXT_KEYS = new Set(["cluster", "user", "namespace", "extensions"]);

/** Checks one `clusters[i].cluster` body and returns its reduced form. */
export function checkCluster(name: string, body: Mapping, at: Place, rules: ServerRules): Cluster {
  for (const key of Object.keys(body)) {
    const refused = CLUSTER_REFUSED[key];
    if (refused) refuse(refused[0], child(at, key), refused[1]);
    if (!CLUSTER_KEYS.has(key))
      refuse("unknown-field", child(at, key), "this field is not a known cluster field");
  }
  const skip = body["insecure-skip-tls-verify"];
  if (skip !== undefined && skip !== false) {
    refuse(
      "insecure-skip-tls-verify",
      child(at, "insecure-skip-tls-verify"),
      "skipping TLS verification is not accepted; include certificate-authority-data instead",
    );
  }
  if (body["disable-compression"] !== undefined && typeof body["disable-compression"] !== "boolean") {
    refuse("invalid-value", child(at, "disable-compression"), "must be true or false");
  }
  if (body.extensions !== undefined) extensions(body.extensions, child(at, "extensions"));
  const server = checkServer(body.server, child(at, "server"), rules);
  const caRaw = body["certificate-authority-data"];
  const caData =
    caRaw === undefined ? undefined : pemData(caRaw, child(at, "certificate-authority-data"), "certificate");
  const tlsServerName = optionalText(
    body["tls-server-name"],
    child(at, "tls-server-name"),
    "tls-server-name",
    253,
  );
  return { name, server, ...(caData ? { caData } : {}), ...(tlsServerName ? { tlsServerName } : {}) };
}

/** Checks one `users[i].user` body: exactly one accepted way to authenticate, inline. */
export function checkUser(name: string, body: Mapping, at: Place): User {
  for (const key of Object.keys(body)) {
    const refused = USER_REFUSED[key];
    if (refused) refuse(refused[0], child(at, key), refused[1]);
    if (!USER_KEYS.has(key)) refuse("unknown-field", child(at, key), "this field is not a known user field");
  }
  if (body.extensions !== undefined) extensions(body.extensions, child(at, "extensions"));
  const token = optionalText(body.token, child(at, "token"), "token", 16384);
  const username = optionalText(body.username, child(at, "username"), "username", 256);
  const password = optionalText(body.password, child(at, "password"), "password", 1024);
  const hasCert = body["client-certificate-data"] !== undefined;
  const hasKey = body["client-key-data"] !== undefined;
  if (hasCert !== hasKey) {
    const missing = hasCert ? "client-key-data" : "client-certificate-data";
    refuse(
      "incomplete-client-certificate",
      child(at, missing),
      "a client certificate needs both client-certificate-data and client-key-data",
    );
  }
  const certData = hasCert
    ? pemData(body["client-certificate-data"], child(at, "client-certificate-data"), "certificate")
    : undefined;
  const keyData = hasKey
    ? pemData(body["client-key-data"], child(at, "client-key-data"), "private-key")
    : undefined;
  if ((username === undefined) !== (password === undefined)) {
    const missing = username === undefined ? "username" : "password";
    refuse(
      "incomplete-basic-auth",
      child(at, missing),
      "basic authentication needs both username and password",
    );
  }
  if (username !== undefined && username.includes(":")) {
    refuse("invalid-value", child(at, "username"), "a basic-auth username cannot contain ':'");
  }
  if (token !== undefined && username !== undefined) {
    refuse("conflicting-credentials", at, "give either a token or a username and password, not both");
  }
  if (token === undefined && username === undefined && certData === undefined) {
    refuse(
      "no-credentials",
      at,
      "no accepted credentials: give a token, a client certificate, or a username and password",
    );
  }
  return {
    name,
    ...(token ? { token } : {}),
    ...(certData ? { certData, keyData } : {}),
    ...(username ? { username, password } : {}),
  };
}

/** Checks one `contexts[i].context` body; names are resolved by the caller. */
export function checkContext(
  body: Mapping,
  at: Place,
): { cluster: string; user: string; namespace?: string } {
  for (const key of Object.keys(body)) {
    if (!CONTEXT_KEYS.has(key))
      refuse("unknown-field", child(at, key), "this field is not a known context field");
  }
  if (body.extensions !== undefined) extensions(body.extensions, child(at, "extensions"));
  if (body.cluster === undefined)
    refuse("missing-cluster", child(at, "cluster"), "the context names no cluster");
  if (body.user === undefined) refuse("missing-user", child(at, "user"), "the context names no user");
  const cluster = text(body.cluster, child(at, "cluster"), "cluster", 253);
  const user = text(body.user, child(at, "user"), "user", 253);
  const namespace = optionalText(body.namespace, child(at, "namespace"), "namespace", 63);
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    refuse("invalid-value", child(at, "namespace"), "namespace must be a valid Kubernetes namespace name");
  }
  return { cluster, user, ...(namespace ? { namespace } : {}) };
}
