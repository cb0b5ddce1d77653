-- OK: TRUNCATE in the same transaction leaves an empty table (a new, empty file): the check
-- for NULLs has nothing to read.
truncate public.scratch;
alter table public.scratch alter column label set not null;

-- A DELETE leaves the dead rows in the table's pages until vacuum: the scan still reads them
-- all under the lock.
delete from public.cache;
-- expect: set-not-null
alter table public.cache alter column label set not null;
