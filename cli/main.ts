import { readFileSync } from "node:fs";
import { ApiFailure, PystolClient } from "./client";
import { resolveSettings } from "./config";
import { EXIT, UsageError, type CommandContext } from "./context";
import { actions, clusters } from "./commands/catalog";
import { experimentFiles } from "./commands/experiment-files";
import { experiments } from "./commands/experiments";
import { login } from "./commands/login";
import { run } from "./commands/run";
import { runs } from "./commands/runs";
import { share } from "./commands/share";
import type { Out } from "./output";
import { Interrupted } from "./tty";
import { parseCommandLine } from "./usage";

const COMMANDS: Record<string, (c: CommandContext) => Promise<number>> = {
  login,
  clusters,
  actions,
  run,
  "runs ls": runs.ls,
  "runs get": runs.get,
  "runs logs": runs.logs,
  "runs abort": runs.abort,
  "experiments ls": experiments.ls,
  "experiments get": experiments.get,
  "experiments run": experiments.run,
  "experiments executions": experiments.executions,
  "experiments follow": experiments.follow,
  "experiments abort": experiments.abort,
  "experiments share": experiments.share,
  "experiments report": experiments.report,
  "experiments validate": experimentFiles.validate,
  "experiments apply": experimentFiles.apply,
  "experiments export": experimentFiles.export,
  share: share.create,
  "share revoke": share.revoke,
};

/** The package's version: what `pystol --version` prints. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** Runs the CLI with these arguments and returns the exit code (never exits the process itself). */
export async function main(argv: string[], out: Out = { json: false, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  try {
    const parsed = parseCommandLine(argv);
    if (parsed.kind === "help") {
      out.stdout(parsed.text);
      return EXIT.ok;
    }
    if (parsed.kind === "version") {
      out.stdout(`pystol ${version()}\n`);
      return EXIT.ok;
    }
    const { spec, args, flags } = parsed;
    const o: Out = { ...out, json: Boolean(flags.json) };
    const client = async () => {
      const s = await resolveSettings({ server: flags.server, team: flags.team, token: flags.token });
      if (!s.server && !s.token) throw new UsageError("not logged in: run pystol login --server <url>, or set PYSTOL_SERVER and PYSTOL_TOKEN");
      if (!s.server) throw new UsageError("no server: pass --server <url> or set PYSTOL_SERVER (pystol login saves it)");
      if (!s.token) throw new UsageError("no API token: pass --token or set PYSTOL_TOKEN (pystol login saves it)");
      // No team given: a token belongs to exactly one team, and the server says which.
      const team = s.team ?? (await new PystolClient({ server: s.server, team: "", token: s.token }).tokenTeam()).team.slug;
      return new PystolClient({ server: s.server, team, token: s.token });
    };
    try {
      return await COMMANDS[spec.name]!({ args, flags, out: o, client });
    } catch (err) {
      if (err instanceof ApiFailure) {
        if (o.json) out.stdout(`${JSON.stringify({ error: { status: err.status, code: err.code, message: err.message } }, null, 2)}\n`);
        out.stderr(`pystol: ${err.message} (${err.code})\n`);
        return EXIT.api;
      }
      if (err instanceof UsageError && !err.command) throw new UsageError(err.message, spec);
      throw err;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      const help = err.command ? `pystol ${err.command.name} --help` : "pystol --help";
      out.stderr(`pystol: ${err.message}\nSee '${help}' for usage.\n`);
      return EXIT.usage;
    }
    if (err instanceof Interrupted) return 130;
    throw err;
  }
}
