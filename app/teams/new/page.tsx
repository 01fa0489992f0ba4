import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { Card } from "@/app/_components/ui";
import { CreateTeamForm } from "./create-team-form";

export const metadata = { title: "Create a team" };

export default async function NewTeamPage() {
  if (!(await getSessionUser())) redirect("/signin?callbackUrl=/teams/new");
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <Link href="/" className="text-sm text-slate-600 hover:underline">
        ← Back
      </Link>
      <Card className="mt-4">
        <h1 className="text-xl font-semibold">Create a team</h1>
        <p className="mt-1 mb-5 text-sm text-slate-600">
          Teams share clusters, runs and results. You will be its owner.
        </p>
        <CreateTeamForm />
      </Card>
    </main>
  );
}
