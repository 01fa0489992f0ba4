import type { PystolClient } from "./client";
import type { Out } from "./output";

/** What every command gets: its positionals, the parsed flags, the output and (once logged in) a client. */
export interface CommandContext {
  args: string[];
  flags: Flags;
  out: Out;
  client: () => Promise<PystolClient>;
}

export interface Flags {
  server?: string;
  team?: string;
  token?: string;
  json?: boolean;
  help?: boolean;
  version?: boolean;
  cluster?: string;
  param?: string[];
  "params-json"?: string;
  "dry-run"?: boolean;
  wait?: boolean;
  confirm?: boolean;
  state?: string;
  action?: string;
  limit?: string;
  follow?: boolean;
  expires?: string;
  file?: string;
  output?: string;
}

/** A mistake in how the command was called (exit code 2); the command, when known, for a pointer to its help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: { name: string },
  ) {
    super(message);
  }
}

/** Exit codes: scripts can tell the outcome apart. */
export const EXIT = { ok: 0, runFailed: 1, usage: 2, api: 3 } as const;
