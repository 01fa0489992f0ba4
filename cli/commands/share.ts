import { EXIT, UsageError, type CommandContext } from "../context";
import { printJson, when } from "../output";
import type { ShareLink } from "../types";

const EXPIRIES = ["1d", "7d", "30d", "never"];

// pystol share revoke <link id>
async function revoke(c: CommandContext): Promise<number> {
  const id = c.args[0];
  if (!id) throw new UsageError("share revoke needs the link id");
  const { shareLink } = await (await c.client()).request<{ shareLink: ShareLink }>(`/share-links/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (c.out.json) printJson(c.out, shareLink);
  else c.out.stdout(`Link ${shareLink.id} revoked: it no longer opens.\n`);
  return EXIT.ok;
}

/** Creates a link to what `path` names (a run's or an execution's share-links) and prints it, once. */
export async function createLink(c: CommandContext, path: string): Promise<number> {
  const expiry = c.flags.expires ?? "7d";
  if (!EXPIRIES.includes(expiry)) throw new UsageError(`--expires must be one of ${EXPIRIES.join(", ")}`);
  const client = await c.client();
  const { shareLink } = await client.request<{ shareLink: ShareLink }>(path, { method: "POST", body: { expiry } });
  if (c.out.json) printJson(c.out, shareLink);
  else c.out.stdout(`${shareLink.url}\n(link ${shareLink.id}, ${shareLink.expiresAt ? `works until ${when(shareLink.expiresAt)} UTC` : "works until revoked"}; it is shown only now)\n`);
  return EXIT.ok;
}

// pystol share <run> [--expires 1d|7d|30d|never]
async function create(c: CommandContext): Promise<number> {
  const runId = c.args[0];
  if (!runId) throw new UsageError("share needs a run id (see pystol runs ls)");
  return createLink(c, `/runs/${encodeURIComponent(runId)}/share-links`);
}

export const share = { create, revoke };
