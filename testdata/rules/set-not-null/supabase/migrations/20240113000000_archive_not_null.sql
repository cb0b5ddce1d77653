-- The table was dropped and created again: the check validated on the old table (20240111)
-- proves nothing about this one, so SET NOT NULL scans it.
-- expect: set-not-null
alter table public.archive alter column note set not null;
