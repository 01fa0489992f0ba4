import type { Metadata } from "next";
import { getImageProps } from "next/image";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth";
import { listUserTeams } from "@/lib/tenancy";
import { trialRefusalMessage, type TrialRefusal } from "@/lib/trials";
import { Alert, ButtonLink } from "@/app/_components/ui";
import { SiteFooter, SiteHeader } from "@/app/_components/site/site-header";
import { TryButton } from "@/app/_components/site/try-button";
import { SCREENSHOTS, darkSrc, type Screenshot } from "@/app/_components/site/screenshots";

export const metadata: Metadata = {
  title: { absolute: "Pystol — fault injection for Kubernetes" },
  description:
    "Kill pods, drain nodes and test the network of your Kubernetes clusters, safely, and share what you learn. Try it in a private sandbox cluster without signing up.",
};

const REFUSALS: readonly TrialRefusal[] = ["per-ip", "no-address", "active", "sandbox-unavailable", "error"];

const FEATURES = [
  {
    title: "Fault actions",
    text: "Kill pods, drain and cordon nodes, scale deployments down, probe the network, run your own image as a Job; add latency, packet loss, partitions, DNS and HTTP errors, CPU and memory pressure or process kills inside chosen pods.",
  },
  {
    title: "Safe by default",
    text: "Every action has a dry run that lists exactly what it hits, a blast-radius limit, protected namespaces, abort, and a rollback of anything lasting.",
  },
  {
    title: "See the cluster react",
    text: "Nodes, pods, usage and a topology graph, next to the live log of the run, so you watch a deployment heal as it happens.",
  },
  {
    title: "Share the result",
    text: "A finished run becomes a read-only link: steps, log and outcome, and nothing secret. Teams, roles, API tokens and a CLI for CI.",
  },
];

// / — what Pystol is and where to start; a signed-in user goes straight to their team.
export default async function Landing({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await getSessionUser();
  if (user) {
    const teams = await listUserTeams(user.id);
    redirect(teams[0] ? `/t/${teams[0].team.slug}` : "/teams/new");
  }
  const q = await searchParams;
  const refusal = REFUSALS.find((r) => r === q.trial);
  const retry = Number(q.retry);
  const refusalText = refusal ? trialRefusalMessage(refusal, Number.isInteger(retry) && retry > 0 && retry <= 3600 ? retry : undefined) : null;

  return (
    <>
      <SiteHeader />
      <main>
        <section className="mx-auto max-w-6xl px-4 pb-10 pt-14 text-center">
          <h1 className="mx-auto max-w-3xl text-4xl font-semibold tracking-tight text-slate-900 sm:text-5xl">
            Break your Kubernetes workloads on purpose, before production does it for you
          </h1>
          <p className="mx-auto mt-5 max-w-2xl text-lg text-slate-600">
            Pystol is a hosted fault-injection service. Connect a cluster, kill pods or drain nodes with a safety net,
            watch how your services cope, and share the result with your team.
          </p>
          <div id="try" className="mt-8 flex flex-wrap items-center justify-center gap-3">
            <TryButton />
            <ButtonLink href="/signup" variant="secondary">
              Create an account
            </ButtonLink>
          </div>
          <p className="mt-3 text-sm text-slate-500">
            The trial opens a private sandbox cluster with a demo shop in it. Nothing to install, no kubeconfig; it is
            deleted after two hours unless you keep it.
          </p>
          {refusalText ? (
            <div className="mx-auto mt-5 max-w-xl text-left">
              <Alert>{refusalText}</Alert>
            </div>
          ) : null}
        </section>

        <section aria-label="Screenshots" className="mx-auto max-w-6xl px-4">
          <div className="grid items-start gap-6 md:grid-cols-2">
            {SCREENSHOTS.map((s) => (
              <figure key={s.src} className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
                <ThemedScreenshot shot={s} first={s.src === SCREENSHOTS[0]?.src} />
                <figcaption className="border-t border-slate-100 px-4 py-2 text-sm text-slate-600">{s.caption}</figcaption>
              </figure>
            ))}
          </div>
        </section>

        <section className="mx-auto mt-14 max-w-6xl px-4">
          <h2 className="text-2xl font-semibold">What you can do</h2>
          <div className="mt-5 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            {FEATURES.map((f) => (
              <div key={f.title} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
                <h3 className="font-semibold">{f.title}</h3>
                <p className="mt-2 text-sm text-slate-600">{f.text}</p>
              </div>
            ))}
          </div>
        </section>

        <section className="mx-auto mt-14 max-w-6xl px-4">
          <h2 className="text-2xl font-semibold">Your first experiment, in five minutes</h2>
          <ol className="mt-5 grid gap-4 text-sm text-slate-700 sm:grid-cols-4">
            {[
              "Press “Try it now”: you get a sandbox cluster running a ten-service shop.",
              "Kill a pod of the shop from the run page; the dry run shows which one first.",
              "Watch the deployment bring a new pod up in the pods and graph views.",
              "Open the run's result and share it with a link anyone can open.",
            ].map((step, i) => (
              <li key={step} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
                <span className="mb-2 flex h-7 w-7 items-center justify-center rounded-full bg-brand-50 font-semibold text-brand-700">{i + 1}</span>
                {step}
              </li>
            ))}
          </ol>
          <p className="mt-5 text-sm text-slate-600">
            Read the <Link href="/docs" className="font-medium text-brand-600 hover:underline">guide</Link> or the{" "}
            <Link href="/faq" className="font-medium text-brand-600 hover:underline">FAQ</Link> for the details.
          </p>
        </section>
      </main>
      <SiteFooter />
    </>
  );
}

/** A screenshot in the reader's theme: the dark copy when the system asks for dark. */
function ThemedScreenshot({ shot, first }: { shot: Screenshot; first: boolean }) {
  const common = { alt: shot.alt, width: shot.width, height: shot.height, sizes: "(min-width: 768px) 560px, 100vw" };
  const dark = getImageProps({ ...common, src: darkSrc(shot.src) }).props.srcSet;
  const { props: light } = getImageProps({ ...common, src: shot.src, loading: first ? "eager" : "lazy" });
  return (
    <picture>
      <source media="(prefers-color-scheme: dark)" srcSet={dark} sizes={common.sizes} />
      <img {...light} alt={shot.alt} className="h-auto w-full" />
    </picture>
  );
}
