import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";

// What the Connect page says about a kubeconfig it refuses or reads, as a person meets it.
function kubeconfig(server: string, context = "c1", user: Record<string, unknown> = { token: "abc123" }): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "k1", cluster: { server } }],
    users: [{ name: "u1", user }],
    contexts: [{ name: context, context: { cluster: "k1", user: "u1" } }],
    "current-context": context,
  });
}

async function paste(page: import("@playwright/test").Page, text: string) {
  const box = page.getByLabel("…or paste it");
  await box.fill(text);
  await box.blur();
}

test("the Connect page explains refusals with what to do, names the worst rule, and names the cluster after its context", async ({
  page,
}) => {
  const slug = await signUp(page, newAccount("Connie Connect"));
  await page.goto(`/t/${slug}/clusters/connect`);

  // An internal address (the stack allows only 127.0.0.1): the sentence reads right and says what to do.
  await paste(page, kubeconfig("https://100.64.0.7:6443"));
  const refusal = page.getByRole("alert").filter({ hasText: "This kubeconfig was refused." });
  await expect(refusal).toContainText("the API server address 100.64.0.7 is a carrier-grade NAT address");
  await expect(refusal.getByTestId("refusal-remedy")).toContainText("use Add a sandbox cluster on this page");
  await expect(refusal).toContainText("unless its operator allows that range in PYSTOL_KUBE_ALLOWED_CIDRS");
  await expect(page.getByRole("button", { name: "Add a sandbox cluster" })).toBeVisible();

  await paste(page, kubeconfig("https://0.0.0.0:6443"));
  await expect(refusal).toContainText("is an unspecified address");

  // A file that breaks a format rule and a safety rule is refused for the safety rule.
  const hostile = readFileSync("lib/kube/testdata/kubeconfigs/bad-ca-and-exec.kubeconfig", "utf8");
  await paste(page, hostile);
  await expect(page.getByTestId("refusal-rule")).toHaveText("exec-plugin");
  await expect(refusal).toContainText("exec credential plugins run a program");
  await expect(refusal.getByTestId("refusal-remedy")).toHaveCount(0);

  // A file that passes: the cluster name comes from its current context.
  await paste(page, kubeconfig("https://k8s.example.com:6443", "prod-eu-west"));
  await expect(refusal).toHaveCount(0);
  await expect(page.getByLabel("Cluster name")).toHaveValue("prod-eu-west");
  // A name the person typed stays.
  await page.getByLabel("Cluster name").fill("Shop production");
  await paste(page, kubeconfig("https://k8s.example.com:6443", "other-context"));
  await expect(page.getByLabel("Cluster name")).toHaveValue("Shop production");
});
