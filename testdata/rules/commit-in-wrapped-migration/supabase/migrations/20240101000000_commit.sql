set lock_timeout = '5s';
alter table public.orders add column note text;
-- expect: commit-in-wrapped-migration
commit;
create index orders_note_idx on public.orders (note);
