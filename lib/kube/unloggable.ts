import { inspect } from "node:util";

/**
 * Makes an object that carries credentials print as a placeholder in JSON (pino, API
 * responses) and in `console.log`/`util.inspect`, while its fields stay readable in code.
 * Defence in depth: the logger's redaction only knows fixed paths one level deep.
 */
export function unloggable<T extends object>(value: T, label: string): T {
  const shown = () => `[${label}]`;
  Object.defineProperty(value, "toJSON", { value: shown, enumerable: false });
  Object.defineProperty(value, inspect.custom, { value: shown, enumerable: false });
  return value;
}

/** A validated kubeconfig whose whole and whose `user` both print as placeholders. */
export function unloggableKubeconfig<T extends { user: object }>(config: T): T {
  unloggable(config.user, "credentials redacted");
  return unloggable(config, "kubeconfig redacted");
}
