/**
 * A kubeconfig reduced to one context after every safety rule passed: inline data only, no
 * plugins, no files, no proxy. This is the only shape the client factory accepts for user
 * clusters, and the shape that is encrypted and stored.
 */
export interface ValidatedKubeconfig {
  contextName: string;
  namespace?: string;
  cluster: {
    name: string;
    /** Normalised `https://host[:port][/path]`, no trailing slash, no userinfo. */
    server: string;
    /** Base64 of the PEM CA bundle, as in `certificate-authority-data`. */
    caData?: string;
    tlsServerName?: string;
  };
  user: {
    name: string;
    token?: string;
    /** Base64 PEM, as in `client-certificate-data` / `client-key-data`. */
    certData?: string;
    keyData?: string;
    username?: string;
    password?: string;
  };
}

/** A context as listed to the person choosing one; no credential material. */
export interface ContextSummary {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server: string;
  /** "token", "client-certificate" or "basic". */
  auth: "token" | "client-certificate" | "basic";
}

export interface ParsedKubeconfig {
  contexts: ContextSummary[];
  /** The file's `current-context`, when it names an existing context. */
  currentContext: string | null;
  /**
   * The reduced config for the requested context, else for `current-context`, else for the
   * only context; null when the file has several and none was chosen.
   */
  config: ValidatedKubeconfig | null;
}

/** Where a client connects: a user's cluster (address rules apply) or our own sandbox. */
export type KubeTarget =
  | { kind: "kubeconfig"; config: ValidatedKubeconfig }
  // The sandbox address comes from our configuration, never from a user, so the internal
  // route it needs is open here and nowhere else.
  | { kind: "sandbox"; server: string; caPem: string; token: string; namespace?: string };
