import { NextResponse, type NextRequest } from "next/server";
import { requestMeta } from "@/lib/audit";
import { env } from "@/lib/env";
import { createLogger } from "@/lib/log";
import { startTrial, trialLandingPath, TrialLimitError } from "@/lib/trials";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const log = createLogger("trials");

// A form post from another site must not start a trial and sign the visitor into it.
function sameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get("origin");
  if (!origin) return req.headers.get("sec-fetch-site") !== "cross-site";
  const allowed = new Set([new URL(env().NEXTAUTH_URL).origin, req.nextUrl.origin]);
  return allowed.has(origin);
}

function back(req: NextRequest, err: TrialLimitError): NextResponse {
  const url = new URL("/", req.nextUrl.origin);
  url.searchParams.set("trial", err.code);
  if (err.retryAfterSeconds) url.searchParams.set("retry", String(err.retryAfterSeconds));
  url.hash = "try";
  return NextResponse.redirect(url, 303);
}

// POST /try — "Try it now": a guest, a trial team and its sandbox cluster; signs the guest in
// and opens the cluster. A refused trial goes back to the landing page with the reason.
export async function POST(req: NextRequest) {
  if (!sameOrigin(req)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  try {
    const trial = await startTrial(await requestMeta());
    const res = NextResponse.redirect(new URL(trialLandingPath(trial), req.nextUrl.origin), 303);
    res.cookies.set(trial.cookie.name, trial.cookie.value, trial.cookie.options);
    return res;
  } catch (err) {
    if (err instanceof TrialLimitError) return back(req, err);
    log.error({ err: err instanceof Error ? err.message : String(err) }, "trial could not be started");
    return back(req, new TrialLimitError("error"));
  }
}

// GET /try — a bookmark or a typed address: the button is on the landing page.
export function GET(req: NextRequest) {
  return NextResponse.redirect(new URL("/#try", req.nextUrl.origin), 303);
}
