create table public.notes (id bigint primary key);
drop table if exists public.old_notes;
