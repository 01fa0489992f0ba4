import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// Where `pystol login` keeps the server, team and token: a file only its owner can read, in
// the user's configuration directory. The environment overrides it (CI scripts).

export interface Settings {
  server: string;
  team: string;
  token: string;
}

/** The configuration file: $PYSTOL_CONFIG, else <config dir>/pystol/config.json. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PYSTOL_CONFIG) return env.PYSTOL_CONFIG;
  const base =
    process.platform === "win32"
      ? (env.APPDATA ?? path.join(os.homedir(), "AppData", "Roaming"))
      : (env.XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"));
  return path.join(base, "pystol", "config.json");
}

/** What the file holds, or an empty object when there is none. */
export async function readConfig(file = configPath()): Promise<Partial<Settings>> {
  try {
    const data = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    const pick = (k: keyof Settings) => (typeof data[k] === "string" ? (data[k] as string) : undefined);
    return { server: pick("server"), team: pick("team"), token: pick("token") };
  } catch {
    return {};
  }
}

/** Writes the settings with mode 0600 (and the directory 0700), also when the file existed. */
export async function writeConfig(settings: Settings, file = configPath()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** The settings in force: flags, then PYSTOL_SERVER / PYSTOL_TEAM / PYSTOL_TOKEN, then the file. */
export async function resolveSettings(flags: Partial<Settings>, env: NodeJS.ProcessEnv = process.env): Promise<Partial<Settings>> {
  const file = await readConfig(configPath(env));
  return {
    server: flags.server ?? env.PYSTOL_SERVER ?? file.server,
    team: flags.team ?? env.PYSTOL_TEAM ?? file.team,
    token: flags.token ?? env.PYSTOL_TOKEN ?? file.token,
  };
}
