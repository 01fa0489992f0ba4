import type { Instrumentation } from "next";
import { OUTAGE_RETRY_AFTER_SECONDS, outageOf } from "@/lib/http/outage";
import { reportPageOutage } from "@/lib/http/page-outage.mjs";

// Called by Next.js as a render's error is caught, before the error page's status is written:
// an outage of PostgreSQL or Redis makes that status 503 with Retry-After (lib/http/page-outage).
export const onRequestError: Instrumentation.onRequestError = (err) => {
  if (outageOf(err)) reportPageOutage(OUTAGE_RETRY_AFTER_SECONDS);
};
