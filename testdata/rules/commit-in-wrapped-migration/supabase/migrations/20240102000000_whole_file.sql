-- OK: begin/commit around the whole file changes nothing.
begin;
alter table public.orders add column source text;
commit;
