import { PystolClient } from "../client";
import { configPath, readConfig, writeConfig } from "../config";
import { EXIT, UsageError, type CommandContext } from "../context";
import { printJson } from "../output";
import { readSecret } from "../tty";

// pystol login --server URL [--team SLUG] [--token pst_… | token on stdin]
// Without --team the token's own team is used (a token belongs to exactly one team); with it,
// the token must belong to that team.
export async function login(c: CommandContext): Promise<number> {
  const saved = await readConfig();
  const server = c.flags.server ?? process.env.PYSTOL_SERVER ?? saved.server;
  const team = c.flags.team ?? process.env.PYSTOL_TEAM;
  if (!server) throw new UsageError("login needs --server <url>");
  if (!/^https?:\/\//.test(server)) throw new UsageError("--server must be an http(s) URL, e.g. https://pystol.example.com");
  const token = c.flags.token ?? process.env.PYSTOL_TOKEN ?? (await readSecret("API token (pst_…, not shown): "));
  if (!token) throw new UsageError("no token given: pass --token, set PYSTOL_TOKEN, or type it on standard input");
  const me = team
    ? await new PystolClient({ server, team, token }).request<{ team: { slug: string; name: string }; role: string }>("")
    : await new PystolClient({ server, team: "", token }).tokenTeam();
  const client = new PystolClient({ server, team: me.team.slug, token });
  await writeConfig({ server: client.server, team: me.team.slug, token });
  if (c.out.json) printJson(c.out, { server: client.server, team: me.team, role: me.role, config: configPath() });
  else c.out.stdout(`Logged in to ${me.team.name} (${me.team.slug}) on ${client.server} as ${me.role.toLowerCase()}; saved to ${configPath()}\n`);
  return EXIT.ok;
}
