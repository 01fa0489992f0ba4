import { createInterface } from "node:readline/promises";
import { PystolClient } from "../client";
import { configPath, readConfig, writeConfig } from "../config";
import { EXIT, UsageError, type CommandContext } from "../context";
import { printJson } from "../output";

async function readToken(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    if (process.stdin.isTTY) process.stderr.write("API token (pst_…): ");
    for await (const line of rl) return line.trim();
    return "";
  } finally {
    rl.close();
  }
}

// pystol login --server URL --team SLUG [--token pst_… | token on stdin]
export async function login(c: CommandContext): Promise<number> {
  const saved = await readConfig();
  const server = c.flags.server ?? process.env.PYSTOL_SERVER ?? saved.server;
  const team = c.flags.team ?? process.env.PYSTOL_TEAM ?? saved.team;
  if (!server || !team) throw new UsageError("login needs --server <url> and --team <slug>");
  if (!/^https?:\/\//.test(server)) throw new UsageError("--server must be an http(s) URL, e.g. https://pystol.example.com");
  const token = c.flags.token ?? process.env.PYSTOL_TOKEN ?? (await readToken());
  if (!token) throw new UsageError("no token given: pass --token, set PYSTOL_TOKEN, or type it on standard input");
  const client = new PystolClient({ server, team, token });
  const me = await client.request<{ team: { slug: string; name: string }; role: string }>("");
  await writeConfig({ server: client.server, team, token });
  if (c.out.json) printJson(c.out, { server: client.server, team: me.team, role: me.role, config: configPath() });
  else c.out.stdout(`Logged in to ${me.team.name} (${me.team.slug}) on ${client.server} as ${me.role.toLowerCase()}; saved to ${configPath()}\n`);
  return EXIT.ok;
}
