import { parseArgs } from "node:util";
import { ApiFailure, PystolClient } from "./client";
import { resolveSettings } from "./config";
import { EXIT, UsageError, type CommandContext, type Flags } from "./context";
import { actions, clusters } from "./commands/catalog";
import { login } from "./commands/login";
import { run } from "./commands/run";
import { runs } from "./commands/runs";
import { share } from "./commands/share";
import type { Out } from "./output";

const HELP = `pystol — fault injection for Kubernetes, from the command line

Usage:
  pystol login --server <url> [--token <pst_…>] [--team <slug>]
               (the token on standard input if not given; the team is the token's own)
  pystol clusters
  pystol actions [<action>]
  pystol run <action> --cluster <name|id> [--param name=value ...] [--params-json '{…}']
             [--dry-run] [--confirm] [--wait]
  pystol runs ls [--state succeeded,failed] [--action <id>] [--cluster <name>] [--limit <n>]
  pystol runs get <run>
  pystol runs logs <run> [--follow]
  pystol runs abort <run>
  pystol share <run> [--expires 1d|7d|30d|never]
  pystol share revoke <link>

Every command takes --json (machine-readable output) and --server, --team, --token.
Settings come from flags, then PYSTOL_SERVER, PYSTOL_TEAM, PYSTOL_TOKEN, then the file
written by login (mode 0600, in your config directory; PYSTOL_CONFIG moves it).

Exit codes: 0 success · 1 the run did not succeed · 2 wrong usage · 3 the server refused or failed
`;

const OPTIONS = {
  server: { type: "string" },
  team: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  cluster: { type: "string", short: "c" },
  param: { type: "string", short: "p", multiple: true },
  "params-json": { type: "string" },
  "dry-run": { type: "boolean" },
  wait: { type: "boolean", short: "w" },
  confirm: { type: "boolean" },
  state: { type: "string" },
  action: { type: "string" },
  limit: { type: "string" },
  follow: { type: "boolean", short: "f" },
  expires: { type: "string" },
} as const;

const COMMANDS: Record<string, (c: CommandContext) => Promise<number>> = { login, clusters, actions, run, runs, share };

/** Runs the CLI with these arguments and returns the exit code (never exits the process itself). */
export async function main(argv: string[], out: Out = { json: false, stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  let flags: Flags;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    flags = parsed.values as Flags;
    positionals = parsed.positionals;
  } catch (err) {
    out.stderr(`pystol: ${(err as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }
  const [command, ...args] = positionals;
  if (flags.help || !command || command === "help") {
    out.stdout(HELP);
    return command || flags.help ? EXIT.ok : EXIT.usage;
  }
  const fn = COMMANDS[command];
  if (!fn) {
    out.stderr(`pystol: unknown command "${command}"\n\n${HELP}`);
    return EXIT.usage;
  }
  const o: Out = { ...out, json: Boolean(flags.json) };
  const client = async () => {
    const s = await resolveSettings({ server: flags.server, team: flags.team, token: flags.token });
    if (!s.server || !s.team || !s.token) throw new UsageError("not logged in: run pystol login --server <url>, or set PYSTOL_SERVER, PYSTOL_TEAM and PYSTOL_TOKEN");
    return new PystolClient({ server: s.server, team: s.team, token: s.token });
  };
  try {
    return await fn({ args, flags, out: o, client });
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr(`pystol: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof ApiFailure) {
      if (o.json) out.stdout(`${JSON.stringify({ error: { status: err.status, code: err.code, message: err.message } }, null, 2)}\n`);
      out.stderr(`pystol: ${err.message} (${err.code})\n`);
      return EXIT.api;
    }
    throw err;
  }
}
