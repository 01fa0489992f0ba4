import { NextResponse } from "next/server";
import { describeCatalog } from "@/lib/actions";
import { env } from "@/lib/env";
import { EXPERIMENT_SCHEMA_PATH, experimentFileJsonSchema } from "@/lib/experiments/file";

export const dynamic = "force-dynamic";

// GET /schemas/experiment-v1.json — the JSON Schema of an experiment file (YAML or JSON), public
// and cacheable, so editors validate and complete the files a team keeps in its repository.
// Generated from the zod schema the service and the CLI validate files with.
export function GET() {
  const schema = experimentFileJsonSchema(new URL(EXPERIMENT_SCHEMA_PATH, env().NEXTAUTH_URL).toString(), describeCatalog());
  return NextResponse.json(schema, {
    headers: { "cache-control": "public, max-age=3600", "access-control-allow-origin": "*", "content-type": "application/schema+json" },
  });
}
