import { parseArgs } from "node:util";
import { UsageError, type Flags } from "./context";
import { STATE_NAMES } from "./states";

// The commands, their flags and their help, and the parsing of a command line into them. Every
// mistake is answered with a sentence of the CLI's own (exit code 2), never a parser's text.

type FlagName = Exclude<keyof Flags, never>;

const OPTIONS = {
  server: { type: "string" },
  team: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
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
  // -f is --follow for runs logs; for experiments apply and validate it is --file (see fileShortFlag).
  file: { type: "string" },
  output: { type: "string", short: "o" },
} as const satisfies Record<FlagName, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

const FLAG_HELP: Record<FlagName, string> = {
  server: "--server <url>        the Pystol server (or PYSTOL_SERVER)",
  team: "--team <slug>         the team (or PYSTOL_TEAM; by default the token's own team)",
  token: "--token <pst_…>       an API token (or PYSTOL_TOKEN)",
  json: "--json                machine-readable output",
  help: "-h, --help            this help",
  version: "--version             the CLI's version",
  cluster: "-c, --cluster <name>  a cluster of the team, by name or id",
  param: "-p, --param k=v       an action parameter (repeatable); values that read as JSON are JSON",
  "params-json": "--params-json '{…}'   all parameters as one JSON object (--param overrides)",
  "dry-run": "--dry-run             plan only: show what would be hit, change nothing",
  wait: "-w, --wait            follow it until it ends; the exit code says how it ended",
  confirm: "--confirm             confirm what the safety rules ask you to confirm (the action, or the experiment's name)",
  state: `--state <s>[,<s>…]    only runs in these states: ${STATE_NAMES.join(", ")}`,
  action: "--action <id>         only runs of this action",
  limit: "--limit <n>           at most n runs (1-100, default 20)",
  follow: "-f, --follow          keep printing until the run ends",
  expires: "--expires <d>         how long the link works: 1d, 7d (default), 30d or never",
  file: "-f, --file <path>     the experiment file, YAML or JSON (- reads standard input)",
  output: "-o, --output <x>      report: the file to write (its ending picks .pdf, .json or .html); export: the format, yaml (default) or json",
};

const GLOBAL: FlagName[] = ["server", "team", "token", "json", "help"];

export interface CommandSpec {
  /** Words of the command: "run", "runs ls". */
  name: string;
  usage: string;
  summary: string;
  flags: FlagName[];
  /** Positional arguments after the command words, at most. */
  maxArgs: number;
}

export const COMMANDS: CommandSpec[] = [
  { name: "login", usage: "pystol login --server <url> [--token <pst_…>] [--team <slug>]", summary: "Check a token and save the server, team and token (in a file only you can read). Without --token, the token is read from the terminal without showing it, or from standard input.", flags: [], maxArgs: 0 },
  { name: "clusters", usage: "pystol clusters", summary: "List the team's clusters.", flags: [], maxArgs: 0 },
  { name: "actions", usage: "pystol actions [<action>]", summary: "List the actions, or show one action's parameters.", flags: [], maxArgs: 1 },
  {
    name: "run",
    usage: "pystol run <action> --cluster <name|id> [--param name=value ...] [--params-json '{…}'] [--dry-run] [--confirm] [--wait]",
    summary: "Start a run of an action on a cluster (or, with --dry-run, show its plan and change nothing).",
    flags: ["cluster", "param", "params-json", "dry-run", "confirm", "wait"],
    maxArgs: 1,
  },
  { name: "runs ls", usage: "pystol runs ls [--state <state>,...] [--action <id>] [--cluster <name>] [--limit <n>]", summary: "List the team's runs, newest first.", flags: ["state", "action", "cluster", "limit"], maxArgs: 0 },
  { name: "runs get", usage: "pystol runs get <run>", summary: "Show a run and its steps.", flags: [], maxArgs: 1 },
  { name: "runs logs", usage: "pystol runs logs <run> [--follow]", summary: "Print a run's log lines (with --follow, until the run ends).", flags: ["follow"], maxArgs: 1 },
  { name: "runs abort", usage: "pystol runs abort <run>", summary: "Stop a queued or running run; what it changed is rolled back.", flags: [], maxArgs: 1 },
  { name: "experiments ls", usage: "pystol experiments ls", summary: "List the team's experiments with their last execution.", flags: [], maxArgs: 0 },
  { name: "experiments get", usage: "pystol experiments get <experiment>", summary: "Show an experiment: its stages, faults and checks, and its last executions.", flags: [], maxArgs: 1 },
  {
    name: "experiments run",
    usage: "pystol experiments run <experiment> [--confirm] [--wait]",
    summary:
      "Start an execution of an experiment's current version. With --wait, follow it to its verdict; the exit code is the verdict's: 0 passed, 1 failed, 3 stopped, aborted or not started, 4 error. Ctrl-C stops following; the execution goes on.",
    flags: ["confirm", "wait"],
    maxArgs: 1,
  },
  { name: "experiments executions", usage: "pystol experiments executions <experiment> [--limit <n>]", summary: "List an experiment's executions, newest first.", flags: ["limit"], maxArgs: 1 },
  {
    name: "experiments follow",
    usage: "pystol experiments follow <execution>",
    summary: "Follow an execution to its verdict; the exit code is the verdict's, as for experiments run --wait.",
    flags: [],
    maxArgs: 1,
  },
  {
    name: "experiments validate",
    usage: "pystol experiments validate -f <file>",
    summary:
      "Check an experiment file offline (no server, no login) with the schema the server uses; each problem is printed as <file>:<line>:<column>: <what>. Exit code 0 valid, 1 not valid.",
    flags: ["file"],
    maxArgs: 0,
  },
  {
    name: "experiments apply",
    usage: "pystol experiments apply -f <file> [--dry-run]",
    summary:
      "Create the experiment a file names (metadata.name), or save a new version of it when the file differs; applying an unchanged file changes nothing. Prints the diff and whether it was created, updated or unchanged. With --dry-run, says what would happen and saves nothing. Exit code 0 applied (or unchanged), 1 the file is not valid (each problem as <file>:<line>:<column>), 3 the server refused.",
    flags: ["file", "dry-run"],
    maxArgs: 0,
  },
  {
    name: "experiments export",
    usage: "pystol experiments export <experiment> [-o yaml|json] > experiment.yaml",
    summary: "Print an experiment's current version as a file to keep in a repository and apply again; it names its JSON Schema so editors check and complete it.",
    flags: ["output"],
    maxArgs: 1,
  },
  { name: "experiments abort", usage: "pystol experiments abort <execution>", summary: "Stop an execution: every active fault is aborted and rolled back.", flags: [], maxArgs: 1 },
  {
    name: "experiments share",
    usage: "pystol experiments share <execution> [--expires 1d|7d|30d|never]",
    summary: "Make a read-only link to an execution's verdict, timeline and check values that opens without signing in.",
    flags: ["expires"],
    maxArgs: 1,
  },
  {
    name: "experiments report",
    usage: "pystol experiments report <execution> [-o report.pdf|report.json|report.html]",
    summary: "An execution's report: a PDF printed by the server, the printable page, or JSON (without -o, the JSON is printed).",
    flags: ["output"],
    maxArgs: 1,
  },
  { name: "share", usage: "pystol share <run> [--expires 1d|7d|30d|never]", summary: "Make a read-only link to a run's result that opens without signing in.", flags: ["expires"], maxArgs: 1 },
  { name: "share revoke", usage: "pystol share revoke <link>", summary: "Revoke a share link: it stops opening at once.", flags: [], maxArgs: 1 },
];

const byName = new Map(COMMANDS.map((c) => [c.name, c]));

export const OVERVIEW = `pystol — fault injection for Kubernetes, from the command line

Usage:
${COMMANDS.map((c) => `  ${c.usage}`).join("\n")}
  pystol <command> --help          help of one command
  pystol --version

Every command takes --json (machine-readable output) and --server, --team, --token.
Settings come from flags, then PYSTOL_SERVER, PYSTOL_TEAM, PYSTOL_TOKEN, then the file
written by login (mode 0600, in your config directory; PYSTOL_CONFIG moves it). Without a
team, the token's own team is used.

Times are UTC.
Exit codes: 0 success · 1 the run did not succeed, there was nothing to abort, or (experiments
validate, apply) the file is not valid · 2 wrong usage · 3 the server refused or failed
experiments run --wait and follow exit with the verdict: 0 passed · 1 failed · 3 stopped, aborted
or not started · 4 error · 130 Ctrl-C (the execution goes on)
`;

/** The help of one command: what it does, its usage and its flags. */
export function commandHelp(spec: CommandSpec): string {
  const flags = [...spec.flags, ...GLOBAL].map((f) => `  ${FLAG_HELP[f]}`);
  return `${spec.summary}\n\nUsage:\n  ${spec.usage}\n\nFlags:\n${flags.join("\n")}\n`;
}

export type Parsed =
  | { kind: "help"; text: string }
  | { kind: "version" }
  | { kind: "command"; spec: CommandSpec; args: string[]; flags: Flags };

/** The parser's complaint as a sentence of ours. */
function parserMistake(err: unknown, command: CommandSpec | undefined): UsageError {
  const e = err as { code?: string; message?: string };
  const flag = /'(-[^' ]+)/.exec(e.message ?? "")?.[1] ?? "";
  if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return new UsageError(`there is no flag ${flag}`, command);
  if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if ((e.message ?? "").includes("argument missing")) return new UsageError(`${flag} needs a value`, command);
    return new UsageError(`${flag} takes no value`, command);
  }
  return new UsageError("the command line could not be read", command);
}

/** Which command the positionals name, and the arguments after its words. */
function commandOf(positionals: string[]): { spec: CommandSpec | undefined; args: string[]; name: string } {
  const [first = "", second, ...rest] = positionals;
  if (first === "runs") {
    const sub = second === "list" ? "ls" : (second ?? "ls");
    return { spec: byName.get(`runs ${sub}`), args: rest, name: `runs ${sub}` };
  }
  if (first === "experiments") {
    const sub = second === "list" ? "ls" : (second ?? "ls");
    return { spec: byName.get(`experiments ${sub}`), args: rest, name: `experiments ${sub}` };
  }
  if (first === "share" && second === "revoke") return { spec: byName.get("share revoke"), args: rest, name: "share revoke" };
  return { spec: byName.get(first), args: positionals.slice(1), name: first };
}

/**
 * -f means --follow (runs logs -f, as tail and kubectl logs have it) but --file for experiments
 * apply and validate (as kubectl apply -f has it): one parser cannot know both, so the file's
 * -f is spelled out before parsing.
 */
function fileShortFlag(argv: string[]): string[] {
  const at = argv.indexOf("experiments");
  if (at < 0 || !["apply", "validate"].includes(argv[at + 1] ?? "")) return argv;
  return argv.map((a, i) => (i <= at + 1 ? a : a === "-f" ? "--file" : /^-f./.test(a) ? `--file=${a.slice(a[2] === "=" ? 3 : 2)}` : a));
}

/** A command line as a command with its arguments and flags, or help, or the version. */
export function parseCommandLine(argv: string[]): Parsed {
  argv = fileShortFlag(argv);
  let values: Flags;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    values = parsed.values as Flags;
    positionals = parsed.positionals;
  } catch (err) {
    // The command, as far as the words before the first flag name it (for the pointer to its help).
    const { spec } = commandOf(argv.slice(0, Math.max(0, argv.findIndex((a) => a.startsWith("-")))));
    // Help asked for, even on a line with a mistake, is help.
    if (argv.includes("--help") || argv.includes("-h")) return { kind: "help", text: spec ? commandHelp(spec) : OVERVIEW };
    throw parserMistake(err, spec);
  }
  if (values.version) return { kind: "version" };
  if (positionals[0] === "help") {
    const { spec, name } = commandOf(positionals.slice(1));
    if (positionals.length > 1 && !spec) throw new UsageError(`there is no command "${name}"`);
    return { kind: "help", text: spec ? commandHelp(spec) : OVERVIEW };
  }
  // No command: the overview, as kubectl and gh print theirs.
  if (positionals.length === 0) return { kind: "help", text: OVERVIEW };
  const { spec, args, name } = commandOf(positionals);
  if (!spec) {
    if (positionals[0] === "runs") throw new UsageError(`there is no command "${name}": runs takes ls, get, logs or abort`);
    if (positionals[0] === "experiments") throw new UsageError(`there is no command "${name}": experiments takes ls, get, run, executions, follow, abort, share, validate, apply or export`);
    throw new UsageError(`there is no command "${positionals[0]}"`);
  }
  if (values.help) return { kind: "help", text: commandHelp(spec) };
  const allowed = new Set<string>([...spec.flags, ...GLOBAL]);
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && !allowed.has(k)) throw new UsageError(`pystol ${spec.name} does not take --${k}`, spec);
  }
  if (args.length > spec.maxArgs)
    throw new UsageError(spec.maxArgs === 0 ? `pystol ${spec.name} takes no arguments (got "${args[0]}")` : `pystol ${spec.name} takes one argument (got ${args.length})`, spec);
  return { kind: "command", spec, args, flags: values };
}
