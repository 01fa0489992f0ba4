-- AlterTable
ALTER TABLE "Team" ADD COLUMN     "activeRuns" INTEGER NOT NULL DEFAULT 0;

-- The concurrent-run limit as one row update. Every change of a run (insert, state change,
-- delete) adjusts its team's count of runs in progress in the same transaction, so the count
-- cannot drift, whatever crashes. A new run that takes the count over maxConcurrentRuns is
-- refused with SQLSTATE PR001: PostgreSQL re-reads the team row after waiting for its lock,
-- so two starts at once cannot both take the last place, and starts of one team wait for
-- each other only for the length of their INSERT.
CREATE FUNCTION "run_in_progress"(s "RunState") RETURNS integer LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE WHEN s IN ('QUEUED', 'RUNNING', 'ROLLING_BACK') THEN 1 ELSE 0 END $$;

CREATE FUNCTION "count_team_active_runs"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  active integer;
  max_runs integer;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND run_in_progress(OLD."state") = 1 THEN
    UPDATE "Team" SET "activeRuns" = "activeRuns" - 1 WHERE "id" = OLD."teamId";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND run_in_progress(NEW."state") = 1 THEN
    UPDATE "Team" SET "activeRuns" = "activeRuns" + 1 WHERE "id" = NEW."teamId"
      RETURNING "activeRuns", "maxConcurrentRuns" INTO active, max_runs;
    -- Only a new run is refused: a run already counted never is (it only changes state).
    IF TG_OP = 'INSERT' AND active > max_runs THEN
      RAISE EXCEPTION 'The team has % run(s) in progress; its limit is %', active - 1, max_runs
        USING ERRCODE = 'PR001';
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- AFTER triggers fire once the statement has locked all its run rows, so a statement never
-- holds a team row while it waits for a run row.
CREATE TRIGGER "Run_count_active_insert" AFTER INSERT ON "Run"
  FOR EACH ROW WHEN (run_in_progress(NEW."state") = 1) EXECUTE FUNCTION "count_team_active_runs"();
CREATE TRIGGER "Run_count_active_update" AFTER UPDATE OF "state", "teamId" ON "Run"
  FOR EACH ROW WHEN (run_in_progress(OLD."state") <> run_in_progress(NEW."state") OR OLD."teamId" <> NEW."teamId")
  EXECUTE FUNCTION "count_team_active_runs"();
CREATE TRIGGER "Run_count_active_delete" AFTER DELETE ON "Run"
  FOR EACH ROW WHEN (run_in_progress(OLD."state") = 1) EXECUTE FUNCTION "count_team_active_runs"();

UPDATE "Team" t SET "activeRuns" = (
  SELECT count(*) FROM "Run" r WHERE r."teamId" = t."id" AND r."state" IN ('QUEUED', 'RUNNING', 'ROLLING_BACK')
);
