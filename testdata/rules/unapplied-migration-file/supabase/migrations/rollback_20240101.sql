-- expect-file: unapplied-migration-file
-- Manual rollback, run by hand if needed. Its drop is not reported: the tool never runs it.
drop table public.accounts;
