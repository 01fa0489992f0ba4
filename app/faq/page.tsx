import Link from "next/link";
import { trialSettings } from "@/lib/trials";
import { SiteFooter, SiteHeader } from "@/app/_components/site/site-header";

// Rendered per request: the trial limits it quotes come from the server's settings.
export const dynamic = "force-dynamic";

export const metadata = {
  title: "FAQ",
  description: "Questions people ask about Pystol, the trial and the sandbox cluster.",
};

function hours(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}` : `${minutes} minutes`;
}

// /faq — short answers; the guide (/docs) walks through the product.
export default function FaqPage() {
  const s = trialSettings();
  const entries: { q: string; a: React.ReactNode }[] = [
    {
      q: "What is Pystol?",
      a: "A hosted fault-injection service for Kubernetes. You run fault actions (kill pods, drain or cordon nodes, scale deployments down, probe the network, run a Job, and inside pods: network latency, loss and partitions, DNS and HTTP errors, CPU and memory pressure, process kills) against a cluster, with a dry run first and a safety net around every action, and watch how your workloads cope.",
    },
    {
      q: "Do I need a cluster to try it?",
      a: "No. “Try it now” gives you a private sandbox cluster: a simulated Kubernetes API server with nodes and pods but no real containers, running a demo shop of ten services, a Redis, a PostgreSQL and monitoring. kubectl and the official client libraries work against it unchanged.",
    },
    {
      q: "How long does a trial last, and what are its limits?",
      a: `A trial lasts ${hours(s.TRIAL_TTL_MINUTES)}; then it is deleted with its cluster, its runs and its share links. A trial may start ${s.TRIAL_MAX_RUNS} runs (dry runs do not count) and its cluster holds at most ${s.TRIAL_MAX_OBJECTS} Kubernetes objects. One address may start ${s.TRIAL_PER_IP_PER_HOUR} trials an hour.`,
    },
    {
      q: "Can I keep what I did in the trial?",
      a: "Yes. “Keep this trial” in the banner at the top asks for your name, an email and a password; the trial becomes your account and its team, cluster, runs and share links stay as they are.",
    },
    {
      q: "Is it safe to connect my own cluster?",
      a: "A kubeconfig is accepted only with inline credentials: no exec or auth-provider plugins, no file references, no proxy. It is encrypted at rest and never sent to the browser or written to a log. Server addresses are checked before every connection, so internal and cloud-metadata addresses are refused. Give Pystol a service account with only the rights the actions you want need.",
    },
    {
      q: "What keeps an action from doing too much?",
      a: "Each run has a dry run that lists exactly the objects it would hit, a blast-radius limit per team, protected namespaces (kube-system by default), a typed confirmation above a threshold, abort for one run and halt for all of a team's runs, and a rollback for every step that changed lasting state, such as a cordon or a scale-down.",
    },
    {
      q: "Who can see a shared result?",
      a: "Anyone with the link, until it expires or you revoke it. The page shows the run's action, parameters, steps, log and outcome; never a kubeconfig, a server address, a token or a member's email.",
    },
    {
      q: "Can I use it from CI?",
      a: "Yes: create an API token for your team and use the REST API under /api/v1 or the pystol command line tool, which waits for a run and exits non-zero when it fails.",
    },
  ];
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-3xl px-4 py-12">
        <h1 className="text-3xl font-semibold">Frequently asked questions</h1>
        <dl className="mt-8 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white shadow-sm">
          {entries.map((e) => (
            <div key={e.q} className="p-5">
              <dt className="font-semibold">{e.q}</dt>
              <dd className="mt-2 text-sm leading-6 text-slate-700">{e.a}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-6 text-sm text-slate-600">
          Something else? The <Link href="/docs" className="font-medium text-brand-600 hover:underline">guide</Link> walks
          through the product step by step.
        </p>
      </main>
      <SiteFooter />
    </>
  );
}
