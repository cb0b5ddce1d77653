alter table public.orders add column note text;
-- expect: rollback-discards-migration
rollback;
