import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { listUserTeams } from "@/lib/tenancy";

// / — a signed-in user lands on their first team, everyone else on sign-in.
export default async function Home() {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const teams = await listUserTeams(user.id);
  redirect(teams[0] ? `/t/${teams[0].team.slug}` : "/teams/new");
}
