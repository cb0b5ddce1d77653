-- 1.1 is a different version from 1.
alter table public.ledger add column memo text;
