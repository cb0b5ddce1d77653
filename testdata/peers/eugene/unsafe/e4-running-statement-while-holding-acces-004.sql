-- peer: eugene E4 running_statement_while_holding_access_exclusive
-- catch: statements-after-access-exclusive
begin;
set lock_timeout = '2s';
alter table public.items add column tier text;
update public.items set tier = 'basic' where tier is null;
commit;
