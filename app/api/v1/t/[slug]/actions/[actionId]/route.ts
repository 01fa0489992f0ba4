import { NextResponse } from "next/server";
import { describeAction, getAction } from "@/lib/actions";
import { param } from "@/lib/api";
import { apiError, withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/actions/[actionId] — one action with its parameters' JSON Schema
export const GET = withTeamRoute(
  async (_req, _ctx, params) => {
    const action = getAction(param(params, "actionId"));
    if (!action) return apiError(404, "not_found", "No such action.");
    return NextResponse.json({ action: describeAction(action) });
  },
  { permission: "runs:read" },
);
