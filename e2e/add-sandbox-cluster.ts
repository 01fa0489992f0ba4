// Run by e2e/sandbox-cluster.ts with tsx (which resolves the app's imports as the app does):
// adds a sandbox cluster to a team through lib/clusters, as the team's owner, and prints its
// sandbox id. Usage: tsx e2e/add-sandbox-cluster.ts <team slug> <owner email> <cluster name>
import { addSandboxCluster } from "@/lib/clusters";
import { db } from "@/lib/db";

const [slug, email, name] = process.argv.slice(2);
if (!slug || !email || !name) throw new Error("usage: add-sandbox-cluster <slug> <email> <name>");
const team = await db.team.findUniqueOrThrow({ where: { slug } });
const user = await db.user.findUniqueOrThrow({ where: { email } });
const cluster = await addSandboxCluster(
  {
    team: { id: team.id, slug: team.slug, name: team.name, personal: team.personal, isTrial: team.isTrial },
    role: "OWNER",
    user: { id: user.id, email: user.email, name: user.name },
    tokenId: null,
  },
  { name },
);
process.stdout.write(`${JSON.stringify({ id: cluster.id, sandboxClusterId: cluster.sandboxClusterId, status: cluster.status })}\n`);
await db.$disconnect();
