import type { Role } from "@/lib/db";

// Every permission a route, page or action can require; roles map to them here and only here.
export const PERMISSIONS = [
  "team:read",
  "team:update",
  "team:delete",
  "members:manage",
  "clusters:read",
  "clusters:manage",
  "runs:read",
  "runs:create",
  "runs:abort",
  "share:manage",
  "tokens:manage",
  "audit:read",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: Permission[] = ["team:read", "clusters:read", "runs:read"];
const MEMBER: Permission[] = [...VIEWER, "runs:create", "runs:abort", "share:manage"];
const ADMIN: Permission[] = [
  ...MEMBER,
  "team:update",
  "members:manage",
  "clusters:manage",
  "tokens:manage",
  "audit:read",
];
const OWNER: Permission[] = [...ADMIN, "team:delete"];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  VIEWER: new Set(VIEWER),
  MEMBER: new Set(MEMBER),
  ADMIN: new Set(ADMIN),
  OWNER: new Set(OWNER),
};

/** Whether a role grants a permission. */
export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  MEMBER: "Member",
  VIEWER: "Viewer",
};
