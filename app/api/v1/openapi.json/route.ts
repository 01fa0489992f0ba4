import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document, generated from its zod schemas
export function GET() {
  return NextResponse.json(openApiDocument(env().NEXTAUTH_URL));
}
