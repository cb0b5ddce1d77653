-- peer: squawk ban-uncommitted-transaction
begin;
alter table public.accounts add column b text;
commit;
