// The role matrix, read from the source: every server action under app/t/[slug] and every
// route handler under app/api/v1/t/[slug] goes through the one gate, with a permission that
// exists, and everything that changes state needs a permission viewers do not have. Files
// added later are covered without editing this test. (The browser tests in e2e/role-matrix
// and e2e/cross-team check the same gates at run time, as each role and as an outsider.)
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission } from "@/lib/rbac/permissions";

const root = path.resolve(import.meta.dirname, "../..");

function files(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (name.test(e.name) && !e.name.includes(".test.")) out.push(p);
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

type Entry = { file: string; name: string; body: string };

// Each exported function or const with the source text up to the next export.
function exportsOf(file: string, kind: RegExp): Entry[] {
  const src = readFileSync(file, "utf8");
  const starts = [...src.matchAll(/^export\s+(?:async\s+function|const)\s+(\w+)/gm)];
  return starts
    .map((m, i) => ({
      file: path.relative(root, file),
      name: m[1]!,
      body: src.slice(m.index, starts[i + 1]?.index ?? src.length),
    }))
    .filter((e) => kind.test(e.body.split("\n")[0]!));
}

const permissionOf = (body: string): string | undefined =>
  body.match(/withTeamAction(?:<[^>]*>)?\(\s*[^,]+,\s*"([a-z]+:[a-z]+)"/)?.[1] ??
  body.match(/permission:\s*"([a-z]+:[a-z]+)"/)?.[1];

const viewerMay = (p: string) => ROLE_PERMISSIONS.VIEWER.has(p as Permission);

// Actions that need no more than reading the team, and why.
const READ_LEVEL_ACTIONS: Record<string, string> = {
  "app/t/[slug]/_shell/actions.ts#signOutEverywhereAction": "acts on the user's own sessions, not on a team",
  "app/t/[slug]/_guide/actions.ts#updateGuideAction": "the signed-in user's own guide progress",
  "app/t/[slug]/settings/members/actions.ts#leaveTeamAction": "anyone may leave a team",
};

describe("server actions under /t/[slug]", () => {
  const actions = files("app/t/[slug]", /\.tsx?$/)
    .filter((f) => /^\s*["']use server["']/.test(readFileSync(f, "utf8")))
    .flatMap((f) => exportsOf(f, /async function/));

  it("are found (the scan itself works)", () => {
    expect(actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(["renameTeamAction", "memberAction", "createInviteAction", "createTokenAction"]),
    );
  });

  it("each passes through withTeamAction with a known permission", () => {
    for (const a of actions) {
      const key = `${a.file}#${a.name}`;
      if (key.endsWith("#signOutEverywhereAction")) continue;
      // A type argument (withTeamAction<Reply>(…)) is the same call.
      expect(a.body, `${key} must call withTeamAction`).toMatch(/withTeamAction(?:<[^>]*>)?\(/);
      for (const m of a.body.matchAll(/withTeamAction(?:<[^>]*>)?\(\s*[^,]+,\s*"([^"]+)"/g))
        expect(PERMISSIONS, `${key} requires an unknown permission`).toContain(m[1]);
    }
  });

  it("each that changes state needs a permission viewers lack, unless listed with a reason", () => {
    for (const a of actions) {
      const key = `${a.file}#${a.name}`;
      if (READ_LEVEL_ACTIONS[key]) continue;
      for (const m of a.body.matchAll(/withTeamAction(?:<[^>]*>)?\(\s*[^,]+,\s*"([^"]+)"/g))
        expect(viewerMay(m[1]!), `${key} is open to viewers (${m[1]})`).toBe(false);
    }
  });

  it("the team-management actions require exactly their permissions", () => {
    const perms = (file: string, name: string) =>
      [
        ...(actions.find((a) => a.file === file && a.name === name)?.body ?? "").matchAll(
          /withTeamAction\(\s*[^,]+,\s*"([^"]+)"/g,
        ),
      ].map((m) => m[1]);
    const dir = "app/t/[slug]/settings";
    expect(perms(`${dir}/actions.ts`, "renameTeamAction")).toEqual(["team:update"]);
    expect(perms(`${dir}/members/actions.ts`, "memberAction").sort()).toEqual([
      "members:manage",
      "members:manage",
      "team:delete",
    ]);
    expect(perms(`${dir}/members/actions.ts`, "createInviteAction")).toEqual(["members:manage"]);
    expect(perms(`${dir}/members/actions.ts`, "revokeInviteAction")).toEqual(["members:manage"]);
    expect(perms(`${dir}/members/actions.ts`, "leaveTeamAction")).toEqual(["team:read"]);
    expect(perms(`${dir}/tokens/actions.ts`, "createTokenAction")).toEqual(["tokens:manage"]);
    expect(perms(`${dir}/tokens/actions.ts`, "revokeTokenAction")).toEqual(["tokens:manage"]);
  });

  it("actions that start, abort or share runs need runs:create, runs:abort or share:manage", () => {
    for (const a of actions.filter((a) => /start|abort|halt|share/i.test(a.name))) {
      const p = permissionOf(a.body);
      expect(["runs:create", "runs:abort", "share:manage"], `${a.file}#${a.name}`).toContain(p);
    }
  });
});

describe("route handlers under /api/v1/t/[slug]", () => {
  const handlers = files("app/api/v1/t/[slug]", /^route\.ts$/).flatMap((f) =>
    exportsOf(f, /export const (GET|POST|PUT|PATCH|DELETE)\b/),
  );

  it("are found, and each is wrapped by withTeamRoute with a known permission", () => {
    expect(handlers.length).toBeGreaterThan(0);
    for (const h of handlers) {
      const key = `${h.name} ${h.file}`;
      expect(h.body, `${key} must be withTeamRoute(…)`).toMatch(
        new RegExp(`export const ${h.name}\\s*=\\s*withTeamRoute\\(`),
      );
      expect(PERMISSIONS, `${key} requires an unknown permission`).toContain(permissionOf(h.body));
    }
  });

  it("every handler that changes state needs a permission viewers lack", () => {
    for (const h of handlers.filter((h) => h.name !== "GET"))
      expect(viewerMay(permissionOf(h.body)!), `${h.name} ${h.file} is open to viewers`).toBe(false);
  });
});
