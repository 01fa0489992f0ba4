import { EXIT, type CommandContext } from "../context";
import { printJson, printTable, when } from "../output";
import type { Action, Cluster } from "../types";

// pystol clusters
export async function clusters(c: CommandContext): Promise<number> {
  const { clusters } = await (await c.client()).request<{ clusters: (Cluster & { lastCheckedAt: string | null })[] }>("/clusters");
  if (c.out.json) printJson(c.out, clusters);
  else if (clusters.length === 0) c.out.stdout("No clusters yet. Add one in the web app (Clusters → Add).\n");
  else printTable(c.out, ["NAME", "KIND", "STATUS", "VERSION", "NODES", "CHECKED (UTC)", "ID"], clusters.map((k) => [k.name, k.kind.toLowerCase(), k.status.toLowerCase(), k.kubernetesVersion, k.nodeCount, when(k.lastCheckedAt), k.id]));
  return EXIT.ok;
}

// pystol actions [id]
export async function actions(c: CommandContext): Promise<number> {
  const client = await c.client();
  const id = c.args[0];
  if (id) {
    const { action } = await client.request<{ action: Action }>(`/actions/${encodeURIComponent(id)}`);
    if (c.out.json) {
      printJson(c.out, action);
      return EXIT.ok;
    }
    c.out.stdout(`${action.title} (${action.id})\n${action.description}\n\nParameters (--param name=value):\n`);
    const required = new Set(action.paramsSchema.required ?? []);
    printTable(c.out, ["NAME", "TYPE", "REQUIRED", "DESCRIPTION"], Object.entries(action.paramsSchema.properties ?? {}).map(([k, p]) => [k, p.type ?? "", required.has(k) ? "yes" : "", p.description ?? ""]));
    return EXIT.ok;
  }
  const { actions } = await client.request<{ actions: Action[] }>("/actions");
  if (c.out.json) printJson(c.out, actions);
  else printTable(c.out, ["ID", "TITLE", "PARAMETERS"], actions.map((a) => [a.id, a.title, Object.keys(a.paramsSchema.properties ?? {}).join(", ")]));
  return EXIT.ok;
}
