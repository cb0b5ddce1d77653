-- expect-file: unapplied-migration-file
-- A dash instead of an underscore after the version: the Supabase CLI skips the file.
alter table public.accounts add column email text;
