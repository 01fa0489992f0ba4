import { getSessionUser } from "@/lib/auth";
import { db } from "@/lib/db";
import { loadGuide } from "@/lib/trials";
import type { TeamContext } from "@/lib/tenancy";
import { GuideCard, ResumeGuide } from "./guide-card";
import { TrialBanner } from "./trial-banner";

// Above every page of a team: the trial's banner (time left, keep it) and the guided first
// experiment for people who started with a trial. Both render nothing otherwise.
export async function GuideSlot({ ctx }: { ctx: TeamContext }) {
  const user = ctx.user;
  if (!user) return null;
  // The signed-in user of this request, read once by the team gate (React's request cache).
  const [state, team] = await Promise.all([
    getSessionUser().then((u) => (u?.id === user.id ? u : db.user.findUnique({ where: { id: user.id }, select: { guideState: true, isGuest: true } }))),
    // The gate read the team's expiry with the membership; a context from elsewhere reads it here.
    !ctx.team.isTrial ? null : ctx.team.trialExpiresAt !== undefined ? { trialExpiresAt: ctx.team.trialExpiresAt } : db.team.findUnique({ where: { id: ctx.team.id }, select: { trialExpiresAt: true } }),
  ]);
  const banner = team?.trialExpiresAt ? <TrialBanner expiresAt={team.trialExpiresAt} isGuest={state?.isGuest ?? false} /> : null;
  // The guide belongs to people who started with a trial (their state is set then), in a team
  // with a sandbox cluster to experiment on.
  if (!state?.guideState) return banner;
  const guide = await loadGuide(user.id, ctx.team.id, state.guideState);
  if (!guide.clusterId) return banner;
  return (
    <div className="mb-6 space-y-3">
      {banner}
      {guide.dismissed ? (
        <ResumeGuide slug={ctx.team.slug} />
      ) : (
        <GuideCard slug={ctx.team.slug} guide={guide} drawnAt={new Date().toISOString()} />
      )}
    </div>
  );
}
