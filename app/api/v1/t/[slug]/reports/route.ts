import { NextResponse } from "next/server";
import { answer, ApiError, parseQuery } from "@/lib/api";
import { buildReport, renderReportHtml, reportFileName, reportRequestSchema, ReportError } from "@/lib/resilience";
import { htmlToPdf, PdfUnavailableError } from "@/lib/resilience/pdf";
import { withTeamRoute } from "@/lib/tenancy";

export const dynamic = "force-dynamic";
// playwright-core drives a real Chromium: Node, not the edge.
export const runtime = "nodejs";

const PDF_STATUS: Record<PdfUnavailableError["code"], number> = { "no-chromium": 503, busy: 503, timeout: 503, failed: 503 };

// GET /api/v1/t/[slug]/reports — a report of one execution (?execution=) or of a range of the
// team or of an experiment (?experiment=&from=&to=), as JSON (default), the printable page
// (?format=html) or a PDF printed by the server's Chromium (?format=pdf)
export const GET = withTeamRoute(
  (req, ctx) =>
    answer(async () => {
      const q = parseQuery(req, reportRequestSchema);
      let report;
      try {
        report = await buildReport(ctx, q);
      } catch (err) {
        if (err instanceof ReportError) throw new ApiError(err.code === "not-found" ? 404 : 400, err.code === "not-found" ? "not_found" : "invalid_request", err.message);
        throw err;
      }
      if (q.format === "json") {
        return NextResponse.json(report, { headers: { "content-disposition": `inline; filename="${reportFileName(report, "json")}"`, "cache-control": "no-store" } });
      }
      const html = renderReportHtml(report);
      if (q.format === "html") return new Response(html, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
      try {
        const pdf = await htmlToPdf(html);
        return new Response(new Uint8Array(pdf), {
          headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${reportFileName(report, "pdf")}"`, "cache-control": "no-store" },
        });
      } catch (err) {
        if (err instanceof PdfUnavailableError) return NextResponse.json({ error: { code: `pdf_${err.code.replace(/-/g, "_")}`, message: err.message } }, { status: PDF_STATUS[err.code], headers: { "retry-after": "30" } });
        throw err;
      }
    }),
  { permission: "runs:read" },
);
