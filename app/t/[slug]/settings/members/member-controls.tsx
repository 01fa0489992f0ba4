"use client";

import { useActionState } from "react";
import { Alert, Button } from "@/app/_components/ui";
import type { ActionResult } from "@/lib/tenancy";
import { memberAction } from "./actions";

type Role = "OWNER" | "ADMIN" | "MEMBER" | "VIEWER";

const selectClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:ring-2 focus:ring-brand-500";

/**
 * A member row's controls for owners and admins: a role picker and a remove button that
 * asks for confirmation; the outcome shows under them.
 */
export function MemberControls({
  slug,
  membershipId,
  name,
  role,
  roles,
}: {
  slug: string;
  membershipId: string;
  name: string;
  role: Role;
  roles: { value: Role; label: string }[];
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(memberAction, null);
  return (
    <div className="space-y-2">
      <form action={action} className="flex flex-wrap items-center gap-2">
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <label className="sr-only" htmlFor={`role-${membershipId}`}>
          Role of {name}
        </label>
        <select id={`role-${membershipId}`} name="role" defaultValue={role} className={selectClass}>
          {roles.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        <Button type="submit" name="intent" value="role" variant="secondary" disabled={pending}>
          Change role
        </Button>
        {/* The box is laid out only while open: closed, it still widened the table's scroll area. */}
        <details className="group relative">
          <summary className="cursor-pointer list-none rounded-md px-2 py-1.5 text-sm text-red-700 hover:bg-red-50">
            Remove…
          </summary>
          <div className="absolute right-0 z-10 mt-1 hidden w-64 group-open:block rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg">
            <p className="mb-2">Remove {name} from the team? They lose access at once; their runs stay.</p>
            <Button type="submit" name="intent" value="remove" variant="danger" disabled={pending}>
              Remove {name}
            </Button>
          </div>
        </details>
      </form>
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
    </div>
  );
}

/** The owner's "transfer ownership" form: choose a member, confirm. */
export function TransferOwnershipForm({
  slug,
  members,
}: {
  slug: string;
  members: { membershipId: string; label: string }[];
}) {
  const [state, action, pending] = useActionState<ActionResult | null, FormData>(memberAction, null);
  if (members.length === 0)
    return <p className="text-sm text-slate-600">Invite someone first: ownership goes to another member.</p>;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="slug" value={slug} />
      {state && !state.ok ? <Alert>{state.error}</Alert> : null}
      {state?.ok ? <Alert tone="green">{state.message}</Alert> : null}
      <div className="flex flex-wrap items-end gap-2">
        <div className="space-y-1">
          <label htmlFor="transfer-to" className="block text-sm font-medium text-slate-700">
            New owner
          </label>
          <select id="transfer-to" name="membershipId" className={selectClass}>
            {members.map((m) => (
              <option key={m.membershipId} value={m.membershipId}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <details className="group relative">
          <summary
            className={`cursor-pointer list-none rounded-md px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50`}
          >
            Transfer ownership…
          </summary>
          <div className="absolute z-10 mt-1 hidden w-72 group-open:block rounded-md border border-slate-200 bg-white p-3 text-sm shadow-lg">
            <p className="mb-2">They become the owner and you become an admin. Only they can undo this.</p>
            <Button type="submit" name="intent" value="transfer" variant="danger" disabled={pending}>
              Confirm transfer
            </Button>
          </div>
        </details>
      </div>
    </form>
  );
}
