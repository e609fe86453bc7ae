-- The check of 0007, planned again at each statement. PL/pgSQL keeps a statement's plan for the
-- session: planned on a batch's first chunk, while the conferences table still looked small, the
-- check kept scanning the whole table once per conference written (a million-leg ingest into a new
-- account ran for more than ten minutes). EXECUTE plans it with the sizes of the moment.
CREATE OR REPLACE FUNCTION legs_conference_exists() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  orphan boolean;
BEGIN
  EXECUTE 'SELECT EXISTS (
    SELECT 1 FROM (SELECT DISTINCT account_id, conference_id FROM changed) l
    WHERE NOT EXISTS (SELECT 1 FROM conferences c WHERE c.account_id = l.account_id AND c.id = l.conference_id))' INTO orphan;
  IF orphan THEN
    RAISE EXCEPTION 'a leg must belong to a conference of its account' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
