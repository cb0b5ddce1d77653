begin;
alter table public.orders add column draft text;
-- expect: rollback-discards-migration
rollback;

-- OK: ROLLBACK TO SAVEPOINT keeps the transaction.
begin;
savepoint s1;
alter table public.orders add column try text;
rollback to savepoint s1;
commit;
