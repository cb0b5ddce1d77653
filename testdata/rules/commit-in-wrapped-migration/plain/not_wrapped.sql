-- OK: this tool does not wrap files.
alter table public.orders add column note text;
commit;
create index orders_note_idx on public.orders (note);
