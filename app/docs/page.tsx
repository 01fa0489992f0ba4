import Link from "next/link";
import { SiteFooter, SiteHeader } from "@/app/_components/site/site-header";
import { TryButton } from "@/app/_components/site/try-button";

export const metadata = {
  title: "Guide",
  description: "How to use Pystol: clusters, fault actions, runs, cluster views, sharing, teams and the API.",
};

const SECTIONS: { id: string; title: string; body: React.ReactNode }[] = [
  {
    id: "start",
    title: "Start",
    body: (
      <>
        <p>
          Press <strong>Try it now</strong> on the home page to get a private sandbox cluster without an account, or{" "}
          <Link href="/signup">create an account</Link>: you get a personal team, and you can create more teams and invite
          people to them.
        </p>
      </>
    ),
  },
  {
    id: "clusters",
    title: "Clusters",
    body: (
      <p>
        Every run targets one of your team&apos;s clusters. Add a <strong>sandbox cluster</strong> (a simulated Kubernetes
        API with a demo shop, private to your team) or upload a <strong>kubeconfig</strong> of your own cluster. Pystol
        checks what the credentials may do and shows which actions are possible. Kubeconfigs with credential plugins or
        file references are refused; accepted ones are encrypted at rest.
      </p>
    ),
  },
  {
    id: "runs",
    title: "Fault actions and runs",
    body: (
      <>
        <p>
          Pick an action from the catalog: <strong>pod kill</strong>, <strong>node drain</strong>, <strong>node cordon</strong>,{" "}
          <strong>deployment scale-down</strong>, <strong>ping test</strong> or a <strong>Job</strong> with an image of your
          choice. Fill in its parameters (a namespace and a label selector for a pod kill, for example) and look at the dry
          run: it lists exactly the objects the run would hit.
        </p>
        <p>
          Runs go through queued, running and a final state; anything lasting (a cordon, a scale-down) is rolled back when
          the run ends, is aborted or fails. The run page streams the log and the steps live.
        </p>
      </>
    ),
  },
  {
    id: "safety",
    title: "Safety rules",
    body: (
      <p>
        Each team sets a blast-radius limit, the namespaces nothing may touch (kube-system by default), a confirmation
        threshold and how many runs may go at once. Owners and admins can halt every run of the team in one click.
      </p>
    ),
  },
  {
    id: "views",
    title: "Watching the cluster",
    body: (
      <p>
        A cluster&apos;s pages show its overview (nodes, pods by phase, requested and used CPU and memory), its nodes,
        namespaces, pods and events, and a topology graph of namespaces, workloads, pods and nodes. Keep the pods or graph
        view open while a pod kill runs and you see the deployment replace the pod.
      </p>
    ),
  },
  {
    id: "sharing",
    title: "Sharing a result",
    body: (
      <p>
        From a finished run&apos;s page, create a share link with an expiry. Anyone with the link sees the run&apos;s
        summary, steps, log and outcome, and nothing secret. Revoke the link at any time.
      </p>
    ),
  },
  {
    id: "trial",
    title: "The trial",
    body: (
      <p>
        A trial is a team of its own with one sandbox cluster. A short guide on its pages takes you through a first
        experiment: kill a pod of the shop, watch it heal, open the result and share it; hide the guide and bring it back
        whenever you like. Trials expire; <strong>Keep this trial</strong> turns one into an ordinary account with
        everything in it. The <Link href="/faq">FAQ</Link> lists the trial&apos;s limits.
      </p>
    ),
  },
  {
    id: "api",
    title: "API and CLI",
    body: (
      <p>
        Team settings create API tokens with read or run scope. The REST API lives under <code>/api/v1</code> and the{" "}
        <code>pystol</code> command line tool uses it: <code>pystol run pod-kill --cluster demo-shop --param namespace=shop --wait</code>{" "}
        exits with the run&apos;s outcome, so it fits a CI pipeline.
      </p>
    ),
  },
];

// /docs — the product guide that the landing page and the FAQ link to.
export default function GuidePage() {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto flex max-w-5xl gap-10 px-4 py-12">
        <nav aria-label="Sections" className="hidden w-44 shrink-0 md:block">
          <ul className="sticky top-6 space-y-1 text-sm">
            {SECTIONS.map((s) => (
              <li key={s.id}>
                <a href={`#${s.id}`} className="block rounded px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                  {s.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <article className="min-w-0 flex-1">
          <h1 className="text-3xl font-semibold">Pystol guide</h1>
          <p className="mt-3 text-slate-600">How to run your first fault experiments and what keeps them safe.</p>
          {SECTIONS.map((s) => (
            <section key={s.id} id={s.id} className="mt-10 scroll-mt-6 space-y-3 leading-7 text-slate-700 [&_a]:font-medium [&_a]:text-brand-600 [&_a:hover]:underline [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:text-sm">
              <h2 className="text-xl font-semibold text-slate-900">{s.title}</h2>
              {s.body}
            </section>
          ))}
          <div className="mt-12 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
            <h2 className="font-semibold">Try it on a sandbox cluster</h2>
            <p className="mb-4 mt-1 text-sm text-slate-600">No sign-up, nothing to install.</p>
            <TryButton />
          </div>
        </article>
      </main>
      <SiteFooter />
    </>
  );
}
