/**
 * Why an uploaded kubeconfig was refused. `rule` is a stable id the UI and tests key on,
 * `path` the place in the file (`users[0].user.exec`, or `line 3, column 5` for YAML
 * errors), and `message` a sentence for a person that names both. Neither ever quotes a
 * credential value from the file.
 */
export class KubeconfigError extends Error {
  readonly rule: string;
  readonly path: string;

  constructor(rule: string, path: string, message: string) {
    super(message);
    this.name = "KubeconfigError";
    this.rule = rule;
    this.path = path;
  }
}

/** One step of a location inside the kubeconfig, rendered for people and for code. */
export interface Place {
  /** Machine form, e.g. `users[0].user.exec`. */
  path: string;
  /** Human form, e.g. `users[0] "admin" → user.exec`. */
  label: string;
}

export const root: Place = { path: "", label: "the file" };

/** The place of entry `index` in list `list`, labelled with its name when it has one. */
export function entryPlace(list: string, index: number, name: unknown): Place {
  const path = `${list}[${index}]`;
  const shown = typeof name === "string" && name.length > 0 ? ` ${JSON.stringify(truncate(name))}` : "";
  return { path, label: `${path}${shown}` };
}

/** A field below a place: `users[0] "admin" → user.exec`. */
export function child(place: Place, field: string): Place {
  if (!place.path) return { path: field, label: field };
  const joiner = place.label.includes(" → ") ? "." : " → ";
  return { path: `${place.path}.${field}`, label: `${place.label}${joiner}${field}` };
}

/** Throws the refusal for `rule` at `place`. */
export function refuse(rule: string, place: Place, message: string): never {
  throw new KubeconfigError(rule, place.path, place.path ? `${place.label}: ${message}` : message);
}

function truncate(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}
