-- expect-file: unapplied-migration-file
delete from public.tags;
