import { NextResponse } from "next/server";
import { checkDependencies, producerConnection } from "@/lib/queue";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/health — whether the web app reaches PostgreSQL and Redis; says which, nothing more
export async function GET() {
  const health = await checkDependencies(producerConnection());
  return NextResponse.json(health, {
    status: health.ok ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
