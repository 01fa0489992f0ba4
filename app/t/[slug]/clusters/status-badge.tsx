import { Badge } from "@/app/_components/ui";
import type { ClusterStatus } from "@/lib/db";

const TONE = {
  CONNECTED: "green",
  PENDING: "slate",
  UNREACHABLE: "red",
  UNAUTHORIZED: "red",
  ERROR: "red",
} as const;

/** A cluster's status as the list and its settings show it. */
export function StatusBadge({ status }: { status: ClusterStatus }) {
  return <Badge tone={TONE[status]}>{status.toLowerCase()}</Badge>;
}

/** When a cluster was last checked, in UTC to the minute. */
export function formatCheckedAt(at: Date | null): string {
  return at ? `${at.toISOString().slice(0, 16).replace("T", " ")} UTC` : "never";
}
