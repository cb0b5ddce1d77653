-- peer: eugene E4 running_statement_while_holding_access_exclusive
set lock_timeout = '2s';
alter table public.items add column tier text;
update public.items set tier = 'basic' where id < 1000;
