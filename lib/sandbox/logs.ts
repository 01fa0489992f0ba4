import type { KObject } from "./types";

type Container = { name: string; image?: string; command?: string[]; args?: string[]; ports?: { containerPort?: number }[]; env?: { name: string; value?: string }[] };

/** The command line of a container, command and args joined. */
export function commandLine(c: Container): string {
  return [...(c.command ?? []), ...(c.args ?? [])].join(" ");
}

/**
 * The exit code a simulated container ends with: the N of an `exit N` in its command, or
 * undefined when nothing in the command makes it stop by itself.
 */
export function exitCode(c: Container): number | undefined {
  const m = /\bexit\s+(\d+)/.exec(commandLine(c));
  return m ? Number(m[1]) : undefined;
}

/** The texts a shell `echo` in the command would print. */
export function echoes(c: Container): string[] {
  const out: string[] = [];
  const re = /\becho\s+(?:-n\s+)?(?:"([^"]*)"|'([^']*)'|([^;&|\n]*))/g;
  for (let m = re.exec(commandLine(c)); m; m = re.exec(commandLine(c))) out.push((m[1] ?? m[2] ?? m[3] ?? "").trim());
  return out;
}

/** A few plausible lines for a container that just started. */
export function startupLines(pod: KObject, c: Container): string[] {
  const ts = new Date().toISOString();
  const lines = [`${ts} INFO starting ${c.name} (${c.image ?? "unknown"}) in pod ${pod.metadata.namespace}/${pod.metadata.name}`];
  lines.push(...echoes(c));
  const port = c.ports?.[0]?.containerPort;
  if (port) lines.push(`${ts} INFO listening on :${port}`);
  if (exitCode(c) === undefined && !echoes(c).length) lines.push(`${ts} INFO ready`);
  return lines;
}
