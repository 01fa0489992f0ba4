import http from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "@/lib/webhooks/sign";
import { expect, test } from "./fixtures";
import { newAccount, signUp } from "./helpers";

// Outgoing webhooks in the team's settings: an owner adds an endpoint pointing at a receiver of
// this test (loopback over http, which this test installation allows), copies the signing
// secret shown once, sends a test, and sees the delivery in the log; the receiver checks the
// signature with that secret. A private address is refused with a sentence beside the field.

const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "content-type": "text/plain" }).end("received by the test");
  });
});
let receiverUrl = "";
test.beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pystol`;
});
test.afterAll(() => new Promise((r) => server.close(r)));

test("an owner adds a webhook endpoint, sends a test, and sees the signed delivery in the log", async ({ page }) => {
  // Several page loads and a delivery through the queue: more than the default on a busy machine.
  test.setTimeout(150_000);
  const slug = await signUp(page, newAccount("Wanda Hook"));
  await page.goto(`/t/${slug}/settings`);
  await page.getByRole("link", { name: "Webhooks" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/settings/webhooks$`));
  await expect(page.getByText("No webhook endpoints yet")).toBeVisible();

  // A private address is refused, in a sentence, and what was typed stays.
  await page.getByLabel("Name").fill("On-call");
  await page.getByLabel("URL").fill("https://10.1.2.3/hook");
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByText("10.1.2.3 resolves to 10.1.2.3, a private address: webhooks are only sent to public addresses.")).toBeVisible();
  await expect(page.getByLabel("URL")).toHaveValue("https://10.1.2.3/hook");

  await page.getByLabel("URL").fill(receiverUrl);
  await page.getByLabel("Every execution finished (manual and scheduled, any verdict)").check();
  await page.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Endpoint “On-call” added." })).toBeVisible();
  const secret = await page.getByLabel("Webhook signing secret").inputValue();
  expect(secret).toMatch(/^whsec_/);

  const row = page.getByTestId("webhook-On-call");
  await expect(row).toContainText("127.0.0.1");
  await expect(row).toContainText("scheduled failed, score dropped, every execution");
  await expect(page.getByText("No deliveries yet")).toBeVisible();

  await row.getByRole("button", { name: "Send test" }).click();
  // The page follows the delivery until it is done.
  const delivery = page.getByTestId("webhook-delivery").first();
  await expect(delivery).toContainText("delivered", { timeout: 45_000 });
  await expect(delivery).toContainText("test");
  await expect(delivery).toContainText("200");
  await expect(delivery).toContainText("received by the test");

  expect(received).toHaveLength(1);
  const got = received[0]!;
  expect(verifySignature(secret, String(got.headers["pystol-signature"]), got.body)).toBe(true);
  expect(JSON.parse(got.body)).toMatchObject({ event: "webhook.test", team: { slug } });

  // The secret is not on the page once it is reloaded.
  await page.reload();
  await expect(page.getByLabel("Webhook signing secret")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
});
