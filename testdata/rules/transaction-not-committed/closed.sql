-- OK: committed.
begin;
alter table public.orders add column note text;
commit;
start transaction;
alter table public.orders add column source text;
end;
