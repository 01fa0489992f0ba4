-- "Try it now" in one round trip: the guest, the trial team with its owner's membership, a
-- ready cluster moved from the pool (or none), both audit events, then a place among the
-- active trials (take_trial_slot, last, so its lock is held only until the commit that ends
-- this statement). Eleven statements from the web app were most of a trial's database cost
-- and a good part of the web process's CPU for it (BENCHMARKS.md, Trials).
-- Returns the pooled cluster's id, or NULL when the pool was empty. A taken slug answers
-- SQLSTATE PR003 so the caller can try another; the active-trials limit answers PR002.
CREATE FUNCTION "start_trial"(
  user_id text, user_email text, guide_state jsonb,
  team_id text, team_slug text, team_name text, expires_at timestamp(3),
  membership_id text, cluster_name text, pool_slug text,
  ip text, user_agent text, max_active integer
) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  pooled text;
  -- Stored as UTC without a zone, as Prisma stores every DateTime.
  at timestamp(3) := (clock_timestamp() AT TIME ZONE 'UTC')::timestamp(3);
BEGIN
  INSERT INTO "Team" ("id", "slug", "name", "isTrial", "trialExpiresAt", "createdAt", "updatedAt")
  VALUES (team_id, team_slug, team_name, true, expires_at, at, at)
  ON CONFLICT ("slug") DO NOTHING;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'The team address % is taken', team_slug USING ERRCODE = 'PR003';
  END IF;
  INSERT INTO "User" ("id", "email", "name", "isGuest", "guideState", "createdAt", "updatedAt")
  VALUES (user_id, user_email, 'Guest', true, guide_state, at, at);
  INSERT INTO "Membership" ("id", "teamId", "userId", "role", "createdAt", "updatedAt")
  VALUES (membership_id, team_id, user_id, 'OWNER', at, at);

  -- SKIP LOCKED: many starts at once each take a different ready cluster.
  UPDATE "Cluster" SET "teamId" = team_id, "name" = cluster_name, "createdById" = user_id, "updatedAt" = at
  WHERE "id" = (
    SELECT c."id" FROM "Cluster" c JOIN "Team" t ON t."id" = c."teamId"
    WHERE t."slug" = pool_slug AND c."status" = 'CONNECTED'
    ORDER BY c."createdAt" LIMIT 1 FOR UPDATE OF c SKIP LOCKED
  )
  RETURNING "id" INTO pooled;

  INSERT INTO "AuditEvent" ("teamId", "actorUserId", "action", "targetType", "targetId", "data", "ip", "userAgent", "at")
  VALUES
    (team_id, user_id, 'team.created', 'team', team_id, NULL, ip, user_agent, at),
    (team_id, user_id, 'trial.started', 'team', team_id,
      jsonb_build_object('expiresAt', to_char(expires_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'cluster', CASE WHEN pooled IS NULL THEN 'new' ELSE 'pool' END),
      ip, user_agent, at);

  PERFORM "take_trial_slot"(max_active);
  RETURN pooled;
END $$;
