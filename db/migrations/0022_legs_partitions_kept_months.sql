-- The months made ahead start at the oldest month kept (12 back), no longer 13: the 13th is out of
-- retention everywhere, so each night's purge dropped it (empty) and the next hourly run made it
-- again, locking legs twice a day for nothing. A leg of that month (up to 366 days old, in a zone
-- behind UTC) still gets its partition from the ingest, which makes any month its batch lacks.
CREATE OR REPLACE FUNCTION legs_ensure_partitions() RETURNS int
LANGUAGE sql AS $$
  SELECT legs_create_partitions((date_trunc('month', now()) - interval '12 months')::date, (date_trunc('month', now()) + interval '2 months')::date)
$$;
