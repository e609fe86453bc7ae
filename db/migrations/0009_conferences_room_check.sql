ALTER TABLE "conferences" DROP CONSTRAINT "conferences_room_fk";
--> statement-breakpoint
-- The foreign key checked every conference with its own lookup of its room (a third of the time a
-- large ingest takes to insert its conferences): the same rule is now checked once per statement, by
-- one join of the rows written with rooms, and on the rooms' side when one is deleted or renumbered.
CREATE FUNCTION conferences_room_exists() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM (SELECT DISTINCT account_id, room_id FROM changed) c
    WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.account_id = c.account_id AND r.id = c.room_id)
  ) THEN
    RAISE EXCEPTION 'a conference must be held in a room of its account' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conferences_room_exists_inserted AFTER INSERT ON conferences REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conferences_room_exists();
--> statement-breakpoint
CREATE TRIGGER conferences_room_exists_updated AFTER UPDATE ON conferences REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION conferences_room_exists();
--> statement-breakpoint
CREATE FUNCTION rooms_keep_conferences() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM (SELECT DISTINCT account_id, id FROM gone) g
    WHERE NOT EXISTS (SELECT 1 FROM rooms r WHERE r.account_id = g.account_id AND r.id = g.id)
      AND EXISTS (SELECT 1 FROM conferences c WHERE c.account_id = g.account_id AND c.room_id = g.id)
  ) THEN
    RAISE EXCEPTION 'a room with conferences cannot be deleted' USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rooms_keep_conferences_deleted AFTER DELETE ON rooms REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION rooms_keep_conferences();
--> statement-breakpoint
CREATE TRIGGER rooms_keep_conferences_updated AFTER UPDATE ON rooms REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION rooms_keep_conferences();
