import { NextResponse } from "next/server";
import { describeCatalog } from "@/lib/actions";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";

// GET /api/v1/t/[slug]/actions — the catalog, each action with its parameters' JSON Schema
export const GET = withTeamRoute(async () => NextResponse.json({ actions: describeCatalog() }), { permission: "runs:read" });
