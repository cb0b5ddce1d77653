-- 001 and 1 are the same version to Flyway.
alter table public.ledger add column note text;
