import { requireTeamAccess } from "@/lib/tenancy";
import { ComingSoon } from "@/app/_components/ui";

export const metadata = { title: "API tokens" };

export default async function TokensPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireTeamAccess((await params).slug, "tokens:manage");
  return (
    <ComingSoon
      feature="API tokens"
      what="Create tokens for the CLI and CI scripts (shown once, scoped to this team, revocable), and see when each was last used."
    />
  );
}
