import { NextResponse, type NextRequest } from "next/server";
import { scrapeMetrics } from "@/lib/metrics/scrape";
import { metricsAccess } from "@/lib/metrics/metrics-access";
// The run metrics register themselves on import: runs requested, queue depth and wait.
import "@/lib/runs";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// GET /api/metrics — Prometheus metrics of the web app (all its processes), for a scraper holding PYSTOL_METRICS_TOKEN
export async function GET(req: NextRequest) {
  const access = metricsAccess(req.headers.get("authorization"));
  if (access === "disabled") {
    return NextResponse.json({ error: { code: "not_found", message: "Metrics are not enabled on this server." } }, { status: 404 });
  }
  if (access === "denied") {
    return NextResponse.json(
      { error: { code: "unauthenticated", message: "Pass the metrics token as a bearer token." } },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
    );
  }
  try {
    const { body, contentType } = await scrapeMetrics();
    return new NextResponse(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch {
    // The cause (a Redis address, say) stays out of the answer.
    return new NextResponse("metrics unavailable\n", { status: 503, headers: { "cache-control": "no-store" } });
  }
}
