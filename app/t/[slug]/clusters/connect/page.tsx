import Link from "next/link";
import { requireTeamAccess } from "@/lib/tenancy";
import { Card, PageHeader } from "@/app/_components/ui";
import { KubeconfigForm } from "../_kubeconfig/kubeconfig-form";
import { AddSandboxButton } from "../add-sandbox-button";

export const metadata = { title: "Connect a cluster" };

export default async function ConnectClusterPage({ params }: { params: Promise<{ slug: string }> }) {
  const ctx = await requireTeamAccess((await params).slug, "clusters:manage");
  return (
    <>
      <PageHeader
        title="Connect a cluster"
        description={
          <>
            Upload the kubeconfig of a cluster this team may run faults against.{" "}
            <Link href={`/t/${ctx.team.slug}/clusters`} className="text-brand-700 hover:underline">
              Back to clusters
            </Link>
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Card>
          <KubeconfigForm slug={ctx.team.slug} />
        </Card>
        <Card title="No cluster at hand?">
          <p className="mb-4 text-sm text-slate-600">
            A sandbox cluster is a private simulated cluster with a demo application, ready in a second. Runs
            against it change nothing real.
          </p>
          <AddSandboxButton slug={ctx.team.slug} variant="secondary" />
        </Card>
      </div>
    </>
  );
}
