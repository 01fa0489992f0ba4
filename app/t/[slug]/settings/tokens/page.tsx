import { requireTeamAccess } from "@/lib/tenancy";
import {
  TOKEN_EXPIRY_CHOICES,
  TOKEN_SCOPES,
  TOKEN_SCOPE_LABELS,
  listApiTokens,
  tokenStatus,
} from "@/lib/api-tokens";
import { Alert, Badge, Card, EmptyState, Table, Td } from "@/app/_components/ui";
import { CreateTokenForm, RevokeTokenForm } from "./token-forms";

export const metadata = { title: "API tokens" };

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "—");
const STATUS_TONE = { active: "green", expired: "amber", revoked: "red" } as const;

export default async function TokensPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requireTeamAccess((await params).slug, "tokens:manage");
  const revoked = (await searchParams).notice === "revoked";
  const tokens = await listApiTokens(ctx);
  const now = new Date();
  return (
    <div className="space-y-6">
      {revoked ? (
        <Alert tone="green">Token revoked: requests that use it are refused from now on.</Alert>
      ) : null}
      <Card title="Create a token">
        <p className="mb-4 text-sm text-slate-600">
          For the <code>pystol</code> CLI and CI scripts: send it as <code>Authorization: Bearer …</code>. A
          token works only in this team and never allows more than its creator&apos;s current role.
        </p>
        <CreateTokenForm
          slug={ctx.team.slug}
          scopes={TOKEN_SCOPES.map((s) => ({ value: s, label: TOKEN_SCOPE_LABELS[s] }))}
          expiries={TOKEN_EXPIRY_CHOICES.map((e) => ({
            value: e,
            label: e === "never" ? "Never" : `In ${e} days`,
          }))}
        />
      </Card>
      {tokens.length === 0 ? (
        <EmptyState title="No API tokens yet">Create one above to use the CLI or the REST API.</EmptyState>
      ) : (
        <Table head={["Name", "Token", "Scopes", "Created (UTC)", "Last used", "Expires", "Status", ""]}>
          {tokens.map((t) => {
            const status = tokenStatus(t, now);
            return (
              <tr key={t.id} data-testid={`token-${t.name}`}>
                <Td className="font-medium">
                  {t.name}
                  <div className="text-xs font-normal text-slate-500">
                    by {t.createdBy?.name ?? "a former member"}
                  </div>
                </Td>
                <Td className="font-mono text-xs">{t.prefix}…</Td>
                <Td>{t.scopes.join(", ")}</Td>
                <Td className="whitespace-nowrap">{when(t.createdAt)}</Td>
                <Td className="whitespace-nowrap">{t.lastUsedAt ? when(t.lastUsedAt) : "Never"}</Td>
                <Td className="whitespace-nowrap">{t.expiresAt ? when(t.expiresAt) : "Never"}</Td>
                <Td>
                  <Badge tone={STATUS_TONE[status]}>{status}</Badge>
                </Td>
                <Td>
                  {status === "active" ? (
                    <RevokeTokenForm slug={ctx.team.slug} tokenId={t.id} name={t.name} />
                  ) : null}
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
    </div>
  );
}
