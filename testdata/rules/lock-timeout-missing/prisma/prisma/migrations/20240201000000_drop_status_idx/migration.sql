-- The set created the index, so it is there even in a set that starts empty: the drop locks
-- the table (the lock scan reads the schema at the end of the file, where the index is gone
-- by this very statement, which does not make it absent before it).
-- expect: lock-timeout-missing
DROP INDEX IF EXISTS "Ticket_status_idx";
