import { Badge, Table, Td } from "@/app/_components/ui";
import type { ActionAccess } from "@/lib/clusters";

/** Which fault actions a cluster's credentials allow, and what each one lacks. */
export function ActionAccessTable({ actions }: { actions: ActionAccess[] }) {
  return (
    <Table head={["Action", "Credentials", "Missing permissions"]}>
      {actions.map((a) => (
        <tr key={a.id} data-testid={`action-${a.id}`}>
          <Td className="font-medium">{a.title}</Td>
          <Td>
            <Badge tone={a.allowed ? "green" : a.missing.length > 0 ? "red" : "amber"}>
              {a.allowed ? "allowed" : a.missing.length > 0 ? "not allowed" : "unknown"}
            </Badge>
          </Td>
          <Td className="text-slate-600">
            {a.missing.length > 0 ? a.missing.join(", ") : a.unknown.length > 0 ? `not asked: ${a.unknown.join(", ")}` : "—"}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
