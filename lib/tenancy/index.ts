// Tenancy: the one way to reach team data.
//
// 1. Resolve the principal and the team from the URL and check a permission, with exactly
//    one gate per entry type:
//      pages / server components   const ctx = await requireTeamAccess(slug, "clusters:read")
//      server actions              return withTeamAction(slug, "team:update", async (ctx) => …)
//      route handlers              export const GET = withTeamRoute(handler, { permission: "runs:read" })
//    Unknown team or not a member → 404 (outsiders do not learn a team exists);
//    member without the permission → 403.
// 2. Confine every query on team-owned rows with `scoped(ctx)` in its where clause:
//      db.cluster.findMany({ where: { ...scoped(ctx), status: "CONNECTED" } })
//      db.cluster.findFirst({ where: { ...scoped(ctx), id } })   // another team's id → null → 404
//    Never look a team-owned row up by id alone (findUnique({ where: { id } })).
export { scoped, TeamAccessError, type TeamContext } from "./context";
export { resolveTeamForUser, listUserTeams } from "./resolve-team";
export { resolveTeamForToken, resolveTokenTeam, SCOPE_PERMISSIONS } from "./resolve-token";
export { requireTeamAccess, withTeamAction, listUserTeamsOnce, type ActionResult } from "./require-team";
export { withTeamRoute, apiError, type TeamRouteHandler } from "./with-team-route";
export { sessionWriteRefusal } from "./cross-site";
export { findNul, hasNul } from "./nul-bytes";
export { stillAllowed } from "./recheck-access";
