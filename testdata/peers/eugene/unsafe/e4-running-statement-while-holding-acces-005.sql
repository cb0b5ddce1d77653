-- peer: eugene E4 running_statement_while_holding_access_exclusive
-- catch: statements-after-access-exclusive
begin;
set lock_timeout = '2s';
lock table public.items;
select count(*) from public.items;
commit;
