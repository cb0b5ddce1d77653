-- The index went with its table in the previous migration: PostgreSQL skips this and takes no
-- lock, so no timeout is needed (issue 28 item 2).
DROP INDEX IF EXISTS "Archive_note_idx";
