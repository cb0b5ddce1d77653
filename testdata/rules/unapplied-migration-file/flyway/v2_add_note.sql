-- expect-file: unapplied-migration-file
-- One underscore instead of two: Flyway ignores it.
alter table public.ledger add column note text;
