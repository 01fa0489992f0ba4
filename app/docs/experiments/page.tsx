import Link from "next/link";
import { DocsPage, type DocsSection } from "../docs-page";

export const metadata = {
  title: "Experiments",
  description: "Experiments in Pystol: checks, faults in stages, stop conditions that roll everything back, verdicts, the resilience score, the CLI in CI, and experiments as code.",
};

const DEFINITION = `description: Checkout stays fast while a cart pod is killed.
recoveryWindowSeconds: 30     # after-checks must pass within this, after the last rollback
maxDurationSeconds: 300       # past this the execution is stopped and rolled back
stages:
  - name: lose a cart pod
    waitAfterSeconds: 0       # a pause before the next stage
    faults:                   # the faults of a stage run in parallel
      - name: kill a cart pod
        actionId: pod-kill    # any action of the catalog, with its parameters
        params: { namespace: shop, labelSelector: app=cart, count: 1, repeat: 3, intervalSeconds: 10 }
        # durationSeconds: 60 # optional: held at most this long, then ended and rolled back
checks:
  - name: checkout answers
    type: http
    mode: before-and-after    # the default
    target: { kind: service, namespace: shop, service: frontend, port: http, path: /checkout }
    expect: { status: ["2xx"] }
  - name: checkout under 300 ms
    type: http
    mode: during
    intervalSeconds: 2        # every 2 s while any fault is active
    tolerance: { failures: 1 } # the second failure trips it
    stopOnTrip: true          # the default: a trip stops the experiment
    target: { kind: service, namespace: shop, service: frontend, port: http, path: /checkout }
    expect: { status: ["2xx"], maxLatencyMs: 300 }
  - name: cart back to two replicas
    type: kubernetes
    mode: after
    check: { condition: workload-available, workload: Deployment, namespace: shop, name: cart, minAvailable: 2 }`;

const CHECKS = `- name: cart pods ready
  type: kubernetes
  check: { condition: pods-ready, namespace: shop, selector: app=cart, minReadyPercent: 50 }
- name: checkout errors
  type: prometheus
  query: sum(rate(http_requests_total{service="checkout",code!="200"}[1m]))
  op: "<"
  threshold: 0.5
- name: status page
  type: http
  target: { kind: url, url: https://status.example.com/healthz }`;

const CI = `# A deploy job that goes on only when the experiment passes.
export PYSTOL_SERVER=https://pystol.example.com PYSTOL_TEAM=payments
export PYSTOL_TOKEN=\${{ secrets.PYSTOL_TOKEN }}   # an API token with run scope
pystol experiments run "checkout survives a cart pod loss" --wait
# exit 0: passed, deploy; anything else stops the pipeline here`;

const FILE = `# yaml-language-server: $schema=https://pystol.example.com/schemas/experiment-v1.json
apiVersion: pystol.io/v1
kind: Experiment
metadata:
  name: checkout survives a cart pod loss   # applying updates the experiment of this name
  cluster: shop-prod                        # by name or id; needed to create it
spec:                                       # the definition above, as it is
  description: Checkout stays fast while a cart pod is killed.
  stages:
    - name: lose a cart pod
      faults:
        - actionId: pod-kill
          params: { namespace: shop, labelSelector: app=cart, count: 1 }
  checks:
    - name: checkout answers
      type: http
      target: { kind: service, namespace: shop, service: frontend, port: http, path: /checkout }
      expect: { status: ["2xx"] }`;

const APPLY_CI = `# .github/workflows/resilience.yml: keep the experiments in the repository, apply them on
# every push to main, and run one as a gate.
on: { push: { branches: [main] } }
jobs:
  experiments:
    runs-on: ubuntu-latest
    env:
      PYSTOL_SERVER: https://pystol.example.com
      PYSTOL_TEAM: payments
      PYSTOL_TOKEN: \${{ secrets.PYSTOL_TOKEN }}   # an API token with run scope
    steps:
      - uses: actions/checkout@v4
      # pystol on the PATH: npm ci && npm link in a checkout of Pystol (see its README)
      - run: for f in experiments/*.yaml; do pystol experiments validate -f "$f"; done
      - run: for f in experiments/*.yaml; do pystol experiments apply -f "$f"; done
      - run: pystol experiments run "checkout survives a cart pod loss" --wait`;

const SECTIONS: DocsSection[] = [
  {
    id: "what",
    title: "What an experiment is",
    body: (
      <>
        <p>
          A run is one fault. An experiment is the unit of chaos engineering: it states what <em>healthy</em> means for
          your service (its <strong>checks</strong>, the steady-state hypothesis), injects <strong>faults in stages</strong>,
          watches the checks while the faults are active, <strong>stops and rolls everything back</strong> when a check
          trips, and ends with a <strong>verdict</strong> and a <strong>score</strong>.
        </p>
        <p>
          Each fault step is a run of the <Link href="/docs#runs">action catalog</Link>: it is planned, limited and rolled
          back exactly as a run is, under your team&apos;s <Link href="/docs#safety">safety rules</Link>. Experiments are
          named and versioned: every save is a new version, and an execution keeps the version it ran. Build them in the
          editor (its dry run plans every fault and evaluates every check once) or through the API.
        </p>
      </>
    ),
  },
  {
    id: "definition",
    title: "The definition",
    body: (
      <>
        <p>
          The editor, the API and YAML hold the same data. Stages run one after the other; the faults of a stage run in
          parallel, each until it is done or for its <code>durationSeconds</code>.
        </p>
        <pre>
          <code>{DEFINITION}</code>
        </pre>
        <p>Checks are of three types:</p>
        <ul>
          <li>
            <strong>http</strong>: a service inside the cluster, through the API server&apos;s service proxy (it needs only
            the <code>services/proxy</code> permission and reaches private services), or a public URL. Expect status
            codes, a latency at most N ms, a body that contains a text or matches a pattern.
          </li>
          <li>
            <strong>kubernetes</strong>: a workload&apos;s available replicas, the share of Ready pods behind a selector,
            no container in CrashLoopBackOff, Ready nodes, or any field of any object compared with a value.
          </li>
          <li>
            <strong>prometheus</strong>: a PromQL instant query against your team&apos;s Prometheus, compared with a
            threshold. The query must return one number: aggregate it, for example with <code>sum(…)</code>.
          </li>
        </ul>
        <pre>
          <code>{CHECKS}</code>
        </pre>
        <p>
          Owners and admins set the team&apos;s Prometheus under <strong>Settings → Team → Prometheus</strong>: its URL and
          an optional bearer token, stored encrypted like kubeconfigs, reached under the same address rules (private
          addresses only when the operator allows them), and tested with the query <code>vector(1)</code> before it is
          saved. A token is only sent over https.
        </p>
      </>
    ),
  },
  {
    id: "modes",
    title: "Modes",
    body: (
      <ul>
        <li>
          <strong>before</strong>: must pass before any fault is injected; otherwise nothing is injected and the verdict
          is <em>not started</em>.
        </li>
        <li>
          <strong>during</strong>: evaluated every <code>intervalSeconds</code> (default 5) while any fault is active.
          These are the stop conditions.
        </li>
        <li>
          <strong>after</strong>: must pass within <code>recoveryWindowSeconds</code> after the last fault ended and its
          rollbacks completed. It is asked again until it passes or the window closes.
        </li>
        <li>
          <strong>before-and-after</strong> (the default): both.
        </li>
      </ul>
    ),
  },
  {
    id: "tolerance",
    title: "Tolerance and stop conditions",
    body: (
      <>
        <p>
          A during-check tolerates some failed evaluations before it <em>trips</em>: a count, <code>{"{ failures: 1 }"}</code>{" "}
          (the second failure trips it; the default is 0, the first failure), or a share,{" "}
          <code>{"{ percent: 20 }"}</code> (trips once more than 20 % of its evaluations so far failed, judged from the
          third evaluation on). An evaluation that ends in error (the service or Prometheus unreachable, credentials
          refused) counts as a failure.
        </p>
        <p>
          A during-check that trips with <code>stopOnTrip: true</code> (the default) stops the experiment at once: every
          active fault is aborted and what it changed is rolled back, through the same path as a team&apos;s halt-all.
          The verdict is <em>failed</em>, stopped by that check. With <code>stopOnTrip: false</code> a trip fails the
          experiment but lets the faults run their course.
        </p>
        <p>
          The experiment also stops, with everything rolled back, past <code>maxDurationSeconds</code> (default 1800), when
          someone halts all of the team&apos;s runs, and when a person aborts it. If the worker holding an execution dies,
          another one takes it over or ends it and rolls every fault back: no fault is left active.
        </p>
      </>
    ),
  },
  {
    id: "verdicts",
    title: "Verdicts",
    body: (
      <table>
        <thead>
          <tr>
            <th>verdict</th>
            <th>when</th>
            <th>CLI exit code</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>passed</td>
            <td>every check held</td>
            <td>0</td>
          </tr>
          <tr>
            <td>failed</td>
            <td>a check failed, or a stop condition tripped (&ldquo;stopped by &lt;check&gt;&rdquo;)</td>
            <td>1</td>
          </tr>
          <tr>
            <td>stopped</td>
            <td>the maximum duration passed, or the team&apos;s halt-all</td>
            <td>3</td>
          </tr>
          <tr>
            <td>aborted</td>
            <td>a person aborted it</td>
            <td>3</td>
          </tr>
          <tr>
            <td>not started</td>
            <td>a before-check failed: nothing was injected</td>
            <td>3</td>
          </tr>
          <tr>
            <td>error</td>
            <td>it could not be carried out: a fault could not start or its run failed, a rollback failed, or its worker stopped mid-experiment (every fault is rolled back)</td>
            <td>4</td>
          </tr>
        </tbody>
      </table>
    ),
  },
  {
    id: "score",
    title: "The resilience score",
    body: (
      <>
        <p>Every execution keeps each check&apos;s values and outcomes over time, and ends with a score from 0 to 100:</p>
        <ul>
          <li>
            each check gets a share: the mean of its phases that ran, where <em>before</em> and <em>after</em> count as
            their final outcome (1 passed, 0 not) and <em>during</em> counts the share of its evaluations that passed;
          </li>
          <li>
            the score is 100 × the mean of the checks&apos; shares, rounded;
          </li>
          <li>a tripped stop condition caps it at 50.</li>
        </ul>
        <p>
          <code>score = round(100 × mean over checks of mean(before, share of during passed, after))</code>, at most 50
          when a stop condition tripped. An execution in which no check ran has no score.
        </p>
      </>
    ),
  },
  {
    id: "cli",
    title: "CLI and CI",
    body: (
      <>
        <p>
          The <code>pystol</code> command line tool speaks to the REST API with an API token (Settings → API tokens):
        </p>
        <pre>
          <code>{`pystol experiments ls                      # the team's experiments and their last verdict
pystol experiments get NAME                # stages, faults, checks and last executions
pystol experiments run NAME --wait         # start it and follow it to its verdict
pystol experiments run NAME --confirm --wait   # when the safety rules ask for confirmation`}</code>
        </pre>
        <p>
          With <code>--wait</code> the exit code is the verdict&apos;s: <strong>0</strong> passed, <strong>1</strong>{" "}
          failed, <strong>3</strong> stopped, aborted or not started, <strong>4</strong> error (2 stays the CLI&apos;s
          own usage error). Ctrl-C stops following; the execution goes on. That makes an experiment a gate for a deploy:
        </p>
        <pre>
          <code>{CI}</code>
        </pre>
      </>
    ),
  },
  {
    id: "as-code",
    title: "Experiments as code",
    body: (
      <>
        <p>
          An experiment is also a file (YAML or JSON, the same data) to keep in your repository, review in pull requests
          and apply from CI. Export one from its page (<strong>Export YAML</strong>) or with{" "}
          <code>pystol experiments export NAME &gt; experiment.yaml</code>:
        </p>
        <pre>
          <code>{FILE}</code>
        </pre>
        <p>
          Its JSON Schema is published at <a href="/schemas/experiment-v1.json"><code>/schemas/experiment-v1.json</code></a>{" "}
          on your Pystol server. Exported files name it in their first line (JSON files in <code>$schema</code>), so
          editors with the YAML language server (VS Code&apos;s YAML extension, for one) check the file as you type and
          complete fields, actions and each action&apos;s parameters.
        </p>
        <pre>
          <code>{`pystol experiments validate -f experiment.yaml   # offline, the server's own schema; exit 1 if not valid
pystol experiments apply -f experiment.yaml --dry-run   # what would change, as a diff; nothing saved
pystol experiments apply -f experiment.yaml      # created, updated (a new version) or unchanged
pystol experiments export NAME -o json           # the current version as a file`}</code>
        </pre>
        <p>
          <strong>Applying is idempotent</strong>: a file that says what the current version says changes nothing and
          makes no version, so CI can apply every file on every push. A file that differs saves a new version; the command
          prints the diff and says <em>created</em>, <em>updated</em> or <em>unchanged</em>. Every problem is reported as{" "}
          <code>file:line:column: where: what</code>, which CI systems turn into annotations on the line. The same is{" "}
          <code>PUT /api/v1/t/&#123;team&#125;/experiments/apply</code> with the file as the body (a 400 lists each problem
          with its line and column), and <code>GET …/experiments/&#123;name&#125;/export?format=yaml</code>. In the app,{" "}
          <strong>Experiments → Import</strong> takes a file or pasted text and previews the diff before applying it.
        </p>
        <p>
          Every change makes a new version, and each execution records the version it ran; an experiment&apos;s page
          compares any two versions line by line. Applying needs an API token with run scope (a read token can export).
        </p>
        <pre>
          <code>{APPLY_CI}</code>
        </pre>
      </>
    ),
  },
  {
    id: "sandbox",
    title: "On a sandbox cluster",
    body: (
      <>
        <p>
          The sandbox&apos;s demo shop answers through the service proxy from a model of the application: a service with
          fewer Ready replicas than its load needs slows down and then sheds requests, a failing dependency fails its
          callers, and a scale-down, drain or pod kill shows in the next answer. HTTP and Kubernetes checks see it within a
          second or two, so they are what sandbox experiments use.
        </p>
        <p>
          The shop also exports Prometheus metrics (request rate, errors and a latency histogram per service) from the
          cluster&apos;s <code>monitoring/prometheus</code> service, at <code>/federate</code>. The sandbox does not answer
          PromQL itself: for Prometheus checks, run a Prometheus that scrapes that endpoint through the API server (the
          scrape configuration is in the sandbox&apos;s README) and set it as your team&apos;s Prometheus.
        </p>
        <p>
          A trial comes with two experiments on its shop: <em>checkout stays under 300 ms while a cart pod is killed</em>{" "}
          passes, and <em>the shop survives losing a zone</em> drains zone-a&apos;s nodes while the frontend keeps one
          replica of three, so checkout starts shedding requests, its stop condition trips, and both faults are rolled
          back.
        </p>
      </>
    ),
  },
];

// /docs/experiments — experiments in detail: the definition, modes, tolerance, verdicts, score and the CLI.
export default function ExperimentsDocsPage() {
  return (
    <DocsPage
      title="Experiments"
      intro="State what healthy means, inject faults, stop when it is no longer so, and get a verdict."
      sections={SECTIONS}
    />
  );
}
