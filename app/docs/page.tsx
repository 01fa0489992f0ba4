import Link from "next/link";
import { DocsPage, type DocsSection } from "./docs-page";

export const metadata = {
  title: "Guide",
  description: "How to use Pystol: clusters, fault actions, runs, cluster views, sharing, teams and the API.",
};

const SECTIONS: DocsSection[] = [
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
    id: "experiments",
    title: "Experiments",
    body: (
      <>
        <p>
          An experiment states what healthy means (its <strong>checks</strong>), injects faults in <strong>stages</strong>{" "}
          (the faults of a stage run at once, each one a run with the same dry run, safety rules and rollback), and ends
          with a <strong>verdict</strong>. Before-checks must pass or nothing is injected (<em>not started</em>);
          during-checks are evaluated every few seconds while faults are active, and one that trips a stop condition
          aborts and rolls back every fault at once (<em>failed — stopped by</em> the check); after-checks must pass within
          the recovery window once every fault has been rolled back. The maximum duration and the team&apos;s halt-all end
          it as <em>stopped</em>, a person&apos;s abort as <em>aborted</em>, and a fault that fails or cannot be rolled back
          as <em>error</em>.
        </p>
        <p>
          The <strong>score</strong> (0–100) is the mean over the checks of the share of their evaluations that passed:
          a before- or after-check counts its final outcome (1 or 0), a during-check the share of its evaluations that
          passed, a check run in both phases the mean of the two. A tripped stop condition caps the score at 50.
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
    id: "experiments",
    title: "Experiments",
    body: (
      <p>
        An experiment states what healthy means for a service (its checks), injects faults in stages, watches the
        checks while they are active, stops and rolls everything back when one trips, and ends with a verdict and a
        score. The CLI runs one and exits with its verdict, so a pipeline can gate a deploy on it.{" "}
        <Link href="/docs/experiments">Experiments in detail</Link>.
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
        A trial is a team of its own with one sandbox cluster and two experiments on its demo shop. A short guide on
        its pages takes you through them: run the one that passes, read its verdict, run the one whose stop condition
        trips and rolls both its faults back, and share what happened; hide the guide and bring it back whenever you
        like. Trials expire; <strong>Keep this trial</strong> turns one into an ordinary account with
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
  return <DocsPage title="Pystol guide" intro="How to run your first fault experiments and what keeps them safe." sections={SECTIONS} />;
}
