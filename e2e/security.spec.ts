import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { Redis } from "ioredis";
import { expect, test } from "./fixtures";
import { alertBox, newAccount, signUp } from "./helpers";
import { addSandboxCluster, createApiToken, setRole, sql } from "./seed";
import { createInviteLink, memberRow, secondBrowser } from "./team-pages";
import { E2E_DATABASE_URL, E2E_PORT, E2E_REDIS_PREFIX, E2E_SANDBOX_ADMIN_TOKEN, E2E_SANDBOX_ADMIN_URL } from "./stack";

// Attacks from the security review, replayed against the running stack: forged cross-site API
// requests with a real session, pages checked for their security headers and for any Content
// Security Policy violation, unstorable input, and forged client addresses.

test.describe.configure({ timeout: 240_000 });

const podKill = { namespace: "shop", labelSelector: "app=cart", count: 1 };

test("a page on another origin cannot start or abort a run with the visitor's session", async ({ page, baseURL }) => {
  const slug = await signUp(page, newAccount("Csrf Target"));
  const { clusterId } = await addSandboxCluster(page, slug);
  const api = page.context().request; // carries the signed-in session cookie, as the browser would
  const runs = `/api/v1/t/${slug}/runs`;
  const countRuns = async () => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM "Run" r JOIN "Team" t ON t.id = r."teamId" WHERE t.slug = $1`, [slug]))[0]!.n);

  // What <form enctype="text/plain" action=…/runs> on a sibling origin sends: the session cookie,
  // the sibling's Origin, and a body that spells valid JSON (the form's one field is named
  // `{"action":…,"confirm":"` with the value `x"}`; text/plain joins them with "=").
  const forged = `{"action":"pod-kill","cluster":"${clusterId}","params":{"namespace":"shop","labelSelector":"app=cart","count":1},"confirm":"=x"}`;
  const attack = await api.post(runs, { headers: { origin: "http://evil.localhost:8080", "content-type": "text/plain" }, data: forged });
  expect(attack.status()).toBe(403);
  expect(await attack.json()).toEqual({ error: { code: "cross_site_refused", message: expect.stringMatching(/^Cross-site request refused/) } });
  // The same body from the app's own origin, but not declared as JSON (a form can send this).
  const plain = await api.post(runs, { headers: { origin: baseURL!, "content-type": "text/plain" }, data: forged });
  expect(plain.status()).toBe(403);
  expect(await countRuns()).toBe(0);

  // The app's own page may: same origin, JSON.
  const own = await api.post(runs, { headers: { origin: baseURL!, "content-type": "application/json" }, data: { action: "pod-kill", cluster: clusterId, params: podKill, dryRun: true } });
  expect(own.status()).toBe(201);
  const runId = ((await own.json()) as { run: { id: string } }).run.id;

  const abort = await api.post(`${runs}/${runId}/abort`, { headers: { origin: "http://evil.localhost:8080", "content-type": "text/plain" }, data: "" });
  expect(abort.status()).toBe(403);
  expect(await abort.json()).toMatchObject({ error: { code: "cross_site_refused" } });
  const [run] = await sql<{ abortRequestedAt: Date | null }>(`SELECT "abortRequestedAt" FROM "Run" WHERE id = $1`, [runId]);
  expect(run!.abortRequestedAt).toBeNull();
  // Reads stay open to the session (the browser's own event stream uses them).
  expect((await api.get(`${runs}/${runId}`, { headers: { origin: "http://evil.localhost:8080" } })).status()).toBe(200);
});

/** Collects every console error and CSP violation a page reports. */
function watchViolations(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    // The browser asks for /favicon.ico on its own; the site has none, which is no violation.
    if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  return problems;
}

test("every page carries the security headers and a nonce policy, and runs with no violation", async ({ page, browser, baseURL }) => {
  const problems = watchViolations(page);
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const nonces = new Set<string>();
  async function visit(path: string) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBeLessThan(400);
    const h = res!.headers();
    const csp = h["content-security-policy"] ?? "";
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce, `${path} CSP: ${csp}`).toBeTruthy();
    nonces.add(nonce!);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("'strict-dynamic'");
    expect(csp).toContain("object-src 'none'");
    if (process.env.E2E_NEXT !== "dev") expect(csp).not.toContain("unsafe-eval");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["x-frame-options"]).toBe("DENY");
    // Served over plain HTTP here: no HSTS (it would pin a name to HTTPS that does not serve it).
    expect(h["strict-transport-security"]).toBeUndefined();
    // Next.js put this request's nonce on every script of the page as served. (The live page may
    // hold more: chunks its scripts load later, e.g. for a prefetched link, which 'strict-dynamic'
    // admits without a nonce; a violation would still be reported below.)
    const scripts = (await res!.text()).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, path).toBeGreaterThan(0);
    expect(scripts.filter((tag) => !tag.includes(` nonce="${nonce}"`)), `${path}: scripts without this request's nonce`).toEqual([]);
  }

  for (const path of ["/", "/faq", "/docs", "/signin", "/signup"]) await visit(path);
  const slug = await signUp(page, newAccount("Csp Person"));
  // Needs the page's scripts: the button is a client component that calls a server action.
  await addSandboxCluster(page, slug);
  for (const path of [`/t/${slug}`, `/t/${slug}/clusters`, `/t/${slug}/run?action=pod-kill`, `/t/${slug}/runs`, `/t/${slug}/settings/members`]) await visit(path);
  // Client-side navigation works under the policy (it needs the scripts that the nonce admits).
  await page.getByRole("navigation", { name: "Team" }).getByRole("link", { name: "Available actions" }).click();
  await expect(page.getByRole("heading", { name: /Kill pods/ })).toBeVisible();
  expect(nonces.size, "a fresh nonce per page").toBe(10);
  expect(problems).toEqual([]);

  // A page of another origin cannot frame the members page.
  const other = await browser.newPage();
  const blocked: string[] = [];
  other.on("console", (m) => blocked.push(m.text()));
  await other.setContent(`<iframe src="${baseURL}/t/${slug}/settings/members"></iframe>`);
  await expect.poll(() => blocked.join("\n")).toMatch(/frame-ancestors/);
  await other.close();

  // API answers carry the headers too.
  const api = await page.request.get(`/api/v1/t/${slug}`);
  expect(api.headers()["x-content-type-options"]).toBe("nosniff");
  expect(api.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

const HOSTILE = [
  "\u0000",
  "a\u0000b",
  "x".repeat(20_000),
  "../../../../etc/passwd",
  "' OR '1'='1' --",
  "\u202etxt.exe",
  "\ufffd",
  "🧨💥",
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/x}",
  "",
];

/**
 * Lets the trigger send a server action whose body contains `marker`, then returns a function
 * that sends the same action again (same id, same page) with `marker` replaced by a value.
 */
async function captureAction(page: Page, marker: string, trigger: () => Promise<void>) {
  const seen = page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"] && (r.postData() ?? "").includes(marker));
  await trigger();
  const req = await seen;
  const type = req.headers()["content-type"] ?? "";
  const [before, after] = req.postDataBuffer()!.toString("latin1").split(marker) as [string, string];
  const origin = new URL(req.url()).origin;
  const replay = async (value: string) => {
    // In React's JSON-encoded arguments a value is a JSON string; in a multipart form, raw bytes.
    const inserted = type.startsWith("multipart/") ? value : JSON.stringify(value).slice(1, -1);
    const res = await page.request.post(req.url(), {
      headers: { "next-action": req.headers()["next-action"]!, "content-type": type, accept: "text/x-component", origin },
      data: Buffer.concat([Buffer.from(before, "latin1"), Buffer.from(inserted, "utf8"), Buffer.from(after, "latin1")]),
    });
    return { status: res.status(), text: await res.text() };
  };
  return { replay, url: req.url(), actionId: req.headers()["next-action"]! };
}

/** Sends every hostile value through a captured action: no 5xx, no stack trace, and a NUL is a 400. */
async function fuzzAction(replay: (value: string) => Promise<{ status: number; text: string }>, what: string) {
  for (const value of HOSTILE) {
    const res = await replay(value);
    const label = `${what} with ${JSON.stringify(value.slice(0, 20))}`;
    expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
    expect(res.text, label).not.toMatch(/\n\s+at |node_modules|Invalid `prisma|22021/);
    if (value.includes("\u0000")) {
      expect(res.status, label).toBe(400);
      expect(res.text).toBe("A form field contains a NUL character, which no field accepts. Remove it and send the form again.");
    }
  }
}

test("unstorable input and oversized forms get a 4xx with a sentence, never a 500", async ({ page, playwright, baseURL }) => {
  const slug = await signUp(page, newAccount("Nul Person"));

  // A NUL in a page's query.
  const listed = await page.request.get(`/t/${slug}/runs?cluster=%00`);
  expect(listed.status()).toBe(400);
  expect(await listed.text()).toMatch(/^The address contains a NUL character/);

  // callbackUrl with a line break or an ideographic full stop: no 5xx on either page, signed
  // in (the pages redirect at once, on this site) or not.
  const signedOut = await playwright.request.newContext({ baseURL });
  for (const client of [page.request, signedOut]) {
    for (const value of ["%0A", "%0D", "%E3%80%82", "%2F%0A%2Fexample.com", "%2F%0D%2Fexample.com", "%2F%E3%80%82example.com", "%E3%80%82example.com"]) {
      for (const path of ["/signin", "/signup"]) {
        const res = await client.get(`${path}?callbackUrl=${value}`, { maxRedirects: 0 });
        expect(res.status(), `${path}?callbackUrl=${value}`).toBeLessThan(500);
        // Either the page itself, or (signed in) a redirect that stays on this site.
        const location = res.headers()["location"];
        if (location) expect(new URL(location, baseURL).origin, `${path}?callbackUrl=${value}`).toBe(new URL(baseURL!).origin);
      }
    }
  }
  await signedOut.dispose();

  // The connect form: hostile values in the pasted kubeconfig and in the cluster's name, then
  // 6 MiB sent straight to its action.
  await page.goto(`/t/${slug}/clusters/connect`);
  const connect = await captureAction(page, "MARKER-k", async () => {
    await page.getByLabel("…or paste it").fill("apiVersion: v1\nkind: Config # MARKER-k");
    await page.getByLabel("…or paste it").blur();
  });
  await fuzzAction(connect.replay, "connect form kubeconfig");
  await page.getByLabel("Cluster name").fill("MARKER-n");
  const named = await captureAction(page, "MARKER-n", () => page.getByRole("button", { name: "Test connection" }).click());
  await fuzzAction(named.replay, "connect form name");
  const huge = await page.request.post(connect.url, {
    headers: { "next-action": connect.actionId, accept: "text/x-component" },
    multipart: { slug, intent: "inspect", name: "", kubeconfig: "a".repeat(6 * 1024 * 1024) },
  });
  expect(huge.status()).toBe(413);
  expect(await huge.text()).toMatch(/^The form is larger than 1 MiB, the most this site accepts/);

  // A person who pastes something that large is told so by the form, before anything is sent.
  await page.goto(`/t/${slug}/clusters/connect`);
  await page.getByLabel("…or paste it").fill(`apiVersion: v1\n# ${"x".repeat(300 * 1024)}`);
  await page.getByLabel("…or paste it").blur();
  await expect(page.getByText("The pasted text is larger than 256 KiB; one cluster's kubeconfig is far smaller.")).toBeVisible();

  // The run form: hostile values in a parameter.
  await addSandboxCluster(page, slug);
  await page.goto(`/t/${slug}/run?action=pod-kill`);
  await page.getByLabel("Namespace").fill("shop");
  await page.getByLabel("Label selector").fill("app=MARKER-r");
  const run = await captureAction(page, "MARKER-r", () => page.getByRole("button", { name: "Plan" }).click());
  await fuzzAction(run.replay, "run form label selector");
});

test("with no proxy configured, a forged X-Forwarded-For changes neither the trial limit nor the audit log", async () => {
  test.slow(); // a second production web server starts on a machine busy with the other tests
  const port = E2E_PORT + 51;
  const base = `http://127.0.0.1:${port}`;
  // The stack's own web server trusts one proxy hop (the test runner plays it); this one runs
  // as an installation does by default: PYSTOL_TRUSTED_PROXY_HOPS unset.
  const web: ChildProcess = spawn(process.execPath, ["server.mjs", "-p", String(port), "-H", "127.0.0.1"], {
    env: {
      NODE_ENV: "production",
      PATH: process.env.PATH ?? "",
      WEB_CONCURRENCY: "1",
      DATABASE_URL: E2E_DATABASE_URL,
      PYSTOL_QUEUE_PREFIX: E2E_REDIS_PREFIX,
      NEXTAUTH_URL: base,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      PYSTOL_ENCRYPTION_KEYS: process.env.PYSTOL_ENCRYPTION_KEYS ?? `e2e:${randomBytes(32).toString("base64")}`,
      SANDBOX_ADMIN_URL: E2E_SANDBOX_ADMIN_URL,
      SANDBOX_ADMIN_TOKEN: E2E_SANDBOX_ADMIN_TOKEN,
      PYSTOL_KUBE_ALLOWED_CIDRS: "127.0.0.1/32",
      TRIAL_PER_IP_PER_HOUR: "2",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  try {
    // The loopback address's trial window starts empty (an earlier run may have used it).
    const redis = new Redis("redis://127.0.0.1:6379");
    const digest = createHash("sha256").update("127.0.0.1").digest("base64url").slice(0, 22);
    await redis.del(`${E2E_REDIS_PREFIX}:throttle:trial:ip:${digest}`);
    redis.disconnect();
    await expect
      .poll(() => fetch(`${base}/api/health`).then((r) => r.ok, () => false), { timeout: 90_000, intervals: [500] })
      .toBe(true);

    const tryIt = (forged: string) =>
      fetch(`${base}/try`, { method: "POST", redirect: "manual", headers: { origin: base, "x-forwarded-for": forged, "x-pystol-socket-address": forged } });
    const first = await tryIt("203.0.113.1");
    const second = await tryIt("203.0.113.2");
    const third = await tryIt("203.0.113.3");
    for (const res of [first, second]) expect(res.headers.get("location")).toMatch(/^\/t\/trial-/);
    // A new address in the header every time, and still the third trial from this machine is refused.
    expect(third.headers.get("location")).toMatch(/^\/\?trial=per-ip/);

    const slugs = [first, second].map((r) => r.headers.get("location")!.split("/")[2]!);
    const rows = await sql<{ ip: string }>(
      `SELECT a.ip FROM "AuditEvent" a JOIN "Team" t ON t.id = a."teamId" WHERE t.slug = ANY($1) AND a.action = 'trial.started'`,
      [slugs],
    );
    expect(rows.map((r) => r.ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
  } finally {
    web.kill("SIGTERM");
  }
});

test("an admin who is removed cannot come back through their own invitation, and their token stops for good", async ({ page, browser }) => {
  const slug = await signUp(page, newAccount("Olga Owner"));
  const { context, page: adminPage } = await secondBrowser(browser, "10.254.0.1");
  const adam = newAccount("Adam Admin");
  await signUp(adminPage, adam);
  await adminPage.goto(await createInviteLink(page, slug, "Admin"));
  await adminPage.getByRole("button", { name: /^Join / }).click();
  await adminPage.waitForURL(new RegExp(`/t/${slug}$`));
  // What the admin hands out while they are one: an ADMIN invitation and a run token.
  const link = await createInviteLink(adminPage, slug, "Admin");
  const token = await createApiToken(slug, adam.email, ["run"]);
  expect((await adminPage.request.get(`/api/v1/t/${slug}`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);

  // The owner removes the admin on the members page.
  await page.goto(`/t/${slug}/settings/members`);
  await memberRow(page, adam.email).getByText("Remove…").click();
  await memberRow(page, adam.email).getByRole("button", { name: "Remove Adam Admin" }).click();
  await expect(alertBox(page)).toContainText("removed");
  await expect(memberRow(page, adam.email)).toHaveCount(0);

  // The link they made is withdrawn; opening it does not let them back in.
  await adminPage.goto(link);
  await expect(adminPage.getByRole("heading", { name: "Invitation not available" })).toBeVisible();
  await expect(adminPage.getByText("This invitation was withdrawn.")).toBeVisible();
  expect((await adminPage.goto(`/t/${slug}`))?.status()).toBe(404);
  // Their token answers 401, even after the team takes them back.
  await setRole(slug, adam.email, "ADMIN");
  expect((await adminPage.request.get(`/api/v1/t/${slug}`, { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);

  await page.goto(`/t/${slug}/settings/audit`);
  await expect(page.getByRole("cell", { name: "Revoked a member's invitations and tokens", exact: true })).toBeVisible();
  await context.close();
});
