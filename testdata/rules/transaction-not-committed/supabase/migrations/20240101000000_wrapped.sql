-- OK: the tool's transaction absorbs the stray BEGIN and commits it.
begin;
alter table public.orders add column note text;
