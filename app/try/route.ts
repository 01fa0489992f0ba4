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
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return host === req.headers.get("host") || host === new URL(env().NEXTAUTH_URL).host;
}

// A relative Location keeps the browser on the host it used, where the session cookie is set.
function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location } });
}

function back(err: TrialLimitError): NextResponse {
  const q = new URLSearchParams({ trial: err.code });
  if (err.retryAfterSeconds) q.set("retry", String(err.retryAfterSeconds));
  return seeOther(`/?${q}#try`);
}

// POST /try — "Try it now": a guest, a trial team and its sandbox cluster; signs the guest in
// and opens the cluster. A refused trial goes back to the landing page with the reason.
export async function POST(req: NextRequest) {
  if (!sameOrigin(req)) return NextResponse.json({ error: "Cross-site request refused" }, { status: 403 });
  try {
    const trial = await startTrial(await requestMeta());
    const res = seeOther(trialLandingPath(trial));
    res.cookies.set(trial.cookie.name, trial.cookie.value, trial.cookie.options);
    return res;
  } catch (err) {
    if (err instanceof TrialLimitError) return back(err);
    log.error({ err: err instanceof Error ? err.message : String(err) }, "trial could not be started");
    return back(new TrialLimitError("error"));
  }
}

// GET /try — a bookmark or a typed address: the button is on the landing page.
export function GET() {
  return seeOther("/#try");
}
