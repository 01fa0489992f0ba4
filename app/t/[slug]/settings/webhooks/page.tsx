import Link from "next/link";
import { requireTeamAccess } from "@/lib/tenancy";
import { Alert, Badge, Card, EmptyState, Table, Td } from "@/app/_components/ui";
import { listDeliveries, listWebhooks, webhookSecretSince, WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS, type DeliverySummary } from "@/lib/webhooks";
import { CreateWebhookForm, RefreshWhilePending, RotateSecretForm, WebhookRowActions } from "./webhook-forms";

export const metadata = { title: "Webhooks" };

const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "—");
const STATUS_TONE = { pending: "slate", retrying: "amber", delivered: "green", failed: "red" } as const;
const EVENT_SHORT: Record<string, string> = {
  "execution.failed": "scheduled failed",
  "score.dropped": "score dropped",
  "execution.finished": "every execution",
  "webhook.test": "test",
};

// How a receiver checks a delivery: the same steps as lib/webhooks/sign.ts verifySignature.
const SNIPPET = `import crypto from "node:crypto";

// header: the Pystol-Signature request header; body: the raw request body, as received
function verify(secret, header, body) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2)));
  const t = Number(parts.t);
  if (!t || Math.abs(Date.now() / 1000 - t) > 300) return false; // refuse replays
  const expected = crypto.createHmac("sha256", secret).update(\`\${t}.\${body}\`).digest("hex");
  const given = Buffer.from(parts.v1 ?? "", "hex");
  return given.length === 32 && crypto.timingSafeEqual(given, Buffer.from(expected, "hex"));
}`;

function DeliveryLog({ deliveries }: { deliveries: DeliverySummary[] }) {
  if (deliveries.length === 0) return <EmptyState title="No deliveries yet">Send a test, or wait for an execution that matches the endpoint&apos;s events.</EmptyState>;
  return (
    <Table head={["Queued (UTC)", "Event", "Status", "Attempts", "Response", "Latency", "Detail"]}>
      {deliveries.map((d) => (
        <tr key={d.id} data-testid="webhook-delivery">
          <Td className="whitespace-nowrap">{when(d.createdAt)}</Td>
          <Td className="whitespace-nowrap">{EVENT_SHORT[d.event] ?? d.event}</Td>
          <Td>
            <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
          </Td>
          <Td>{d.attempts}</Td>
          <Td>{d.responseCode ?? "—"}</Td>
          <Td className="whitespace-nowrap">{d.latencyMs === null ? "—" : `${d.latencyMs} ms`}</Td>
          <Td className="max-w-md">
            {d.error ? <p className="text-red-700">{d.error}</p> : null}
            {d.responseBody ? <p className="break-all font-mono text-xs text-slate-500">{d.responseBody}</p> : null}
            {!d.error && !d.responseBody ? "—" : null}
          </Td>
        </tr>
      ))}
    </Table>
  );
}

export default async function WebhooksPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamAccess((await params).slug, "team:update");
  const wanted = (await searchParams).endpoint;
  const [webhooks, secretSince] = await Promise.all([listWebhooks(ctx), webhookSecretSince(ctx)]);
  const selected = webhooks.find((w) => w.id === wanted) ?? webhooks[0];
  const deliveries = selected ? await listDeliveries(ctx, selected.id, 50) : [];
  const base = `/t/${ctx.team.slug}/settings/webhooks`;
  const events = WEBHOOK_EVENTS.map((e) => ({ value: e, label: WEBHOOK_EVENT_LABELS[e] }));
  return (
    <div className="space-y-6">
      <Card title="Outgoing webhooks">
        <p className="mb-4 text-sm text-slate-600">
          Pystol POSTs a JSON message to each endpoint when a scheduled execution fails or a score drops, retrying with back-off
          for a while when the endpoint does not answer 2xx. Endpoints must be public https:// addresses.
        </p>
        {ctx.team.isTrial ? (
          <Alert tone="amber">Trial teams cannot send webhooks; create an account to be notified.</Alert>
        ) : (
          <CreateWebhookForm slug={ctx.team.slug} events={events} />
        )}
      </Card>

      <Card title="Signing secret">
        <p className="mb-3 text-sm text-slate-600">
          Every delivery carries <code>Pystol-Signature: t=…,v1=…</code>: the HMAC-SHA256, in hex, of the timestamp, a dot and the raw
          body, keyed with the team&apos;s secret. {secretSince ? `The current secret was made ${when(secretSince.toISOString())} UTC.` : "The secret is made with the first endpoint."}
        </p>
        {secretSince && !ctx.team.isTrial ? <RotateSecretForm slug={ctx.team.slug} /> : null}
        <details className="mt-3">
          <summary className="cursor-pointer text-sm text-brand-700">How a receiver verifies a delivery (Node.js)</summary>
          <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 text-xs text-slate-100">{SNIPPET}</pre>
        </details>
      </Card>

      {webhooks.length === 0 ? (
        <EmptyState title="No webhook endpoints yet">Add one above to be told when a scheduled execution fails or a score drops.</EmptyState>
      ) : (
        <Table head={["Endpoint", "Events", "Format", "Last delivery", ""]}>
          {webhooks.map((w) => (
            <tr key={w.id} data-testid={`webhook-${w.name}`} className={w.id === selected?.id ? "bg-brand-50/40" : undefined}>
              <Td className="font-medium">
                <Link href={`${base}?endpoint=${w.id}`} className="text-brand-700 hover:underline">
                  {w.name}
                </Link>
                <div className="break-all text-xs font-normal text-slate-500">{w.host}</div>
                {w.enabled ? null : <Badge tone="amber">paused</Badge>}
              </Td>
              <Td>
                {w.events.map((e) => EVENT_SHORT[e] ?? e).join(", ")}
                {w.events.includes("score.dropped") ? <div className="text-xs text-slate-500">drop of {w.scoreDropPoints} points or more</div> : null}
              </Td>
              <Td className="whitespace-nowrap">{w.format === "slack" ? "Slack" : "Signed JSON"}</Td>
              <Td className="whitespace-nowrap">
                {w.lastDelivery ? (
                  <>
                    <Badge tone={STATUS_TONE[w.lastDelivery.status as DeliverySummary["status"]] ?? "slate"}>{w.lastDelivery.status}</Badge>
                    <div className="text-xs text-slate-500">{when(w.lastDelivery.createdAt)}</div>
                  </>
                ) : (
                  "Never"
                )}
              </Td>
              <Td>
                <WebhookRowActions slug={ctx.team.slug} webhookId={w.id} name={w.name} enabled={w.enabled} />
              </Td>
            </tr>
          ))}
        </Table>
      )}

      {selected ? (
        <section aria-labelledby="delivery-log" className="space-y-2">
          <h2 id="delivery-log" className="text-base font-semibold text-slate-900">
            Deliveries to {selected.name}
          </h2>
          <DeliveryLog deliveries={deliveries} />
          <RefreshWhilePending pending={deliveries.some((d) => d.status === "pending" || d.status === "retrying")} />
        </section>
      ) : null}
    </div>
  );
}
