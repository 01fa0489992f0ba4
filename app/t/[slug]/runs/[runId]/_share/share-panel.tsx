import { listExecutionShareLinks, listShareLinks } from "@/lib/share";
import { roleAllows } from "@/lib/rbac/permissions";
import type { TeamContext } from "@/lib/tenancy";
import { Badge, Card } from "@/app/_components/ui";
import { CreateShareLinkForm, RevokeShareLinkButton, type ShareSubject } from "./share-forms";

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The sharing panel of a run's or an execution's page: create a public read-only link with an
 * expiry, see the links made so far (views, expiry) and revoke them. Viewers see the links but
 * cannot share.
 */
export async function SharePanel({ ctx, subject }: { ctx: TeamContext; subject: ShareSubject }) {
  const links = subject.kind === "run" ? await listShareLinks(ctx, subject.id) : await listExecutionShareLinks(ctx, subject.id);
  const canShare = roleAllows(ctx.role, "share:manage");
  return (
    <Card title="Share">
      <p className="mb-3 text-xs text-slate-500">
        {subject.kind === "run"
          ? "Anyone with the link sees this run's summary, steps, log and outcome, without signing in."
          : "Anyone with the link sees this execution's verdict, score, timeline and check values, without signing in."}{" "}
        Cluster addresses, credentials and e-mails are never shown.
      </p>
      {canShare ? <CreateShareLinkForm slug={ctx.team.slug} subject={subject} /> : <p className="text-sm text-slate-500">Viewers cannot share {subject.kind === "run" ? "runs" : "executions"}; ask a member.</p>}
      {links.length > 0 ? (
        <ul className="mt-4 divide-y divide-slate-100 text-sm" aria-label="Share links">
          {links.map((l) => (
            <li key={l.id} className="flex items-center justify-between gap-2 py-2">
              <div>
                <div className="flex items-center gap-2">
                  <Badge tone={l.live ? "green" : "slate"}>{l.revokedAt ? "revoked" : l.live ? "active" : "expired"}</Badge>
                  <span className="text-xs text-slate-500">created {day(l.createdAt)}</span>
                </div>
                <div className="mt-0.5 text-xs text-slate-500">
                  {l.expiresAt ? `until ${day(l.expiresAt)}` : "no expiry"} · {l.viewCount} view{l.viewCount === 1 ? "" : "s"}
                </div>
              </div>
              {canShare && l.live ? <RevokeShareLinkButton slug={ctx.team.slug} subject={subject} linkId={l.id} /> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
