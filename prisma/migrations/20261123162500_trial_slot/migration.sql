-- The installation-wide limit of active trials in one round trip. Every start takes the same
-- transaction-scoped lock and then counts; the count is a statement of its own inside a
-- VOLATILE function, so under READ COMMITTED it sees every trial committed by the starts
-- that held the lock before it, and two starts cannot both take the last place. Done in the
-- database rather than as two statements from the web app, because a busy web process kept
-- the lock for an extra turn of its event loop between them, and every other start waited.
CREATE FUNCTION "take_trial_slot"(max_active integer) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  active integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('trials:active', 0));
  SELECT count(*) INTO active FROM "Team" WHERE "isTrial" AND "trialExpiresAt" > clock_timestamp();
  -- The count includes the caller's own, uncommitted trial.
  IF active > max_active THEN
    RAISE EXCEPTION 'The installation holds % active trials; its limit is %', active - 1, max_active
      USING ERRCODE = 'PR002';
  END IF;
  RETURN active;
END $$;
