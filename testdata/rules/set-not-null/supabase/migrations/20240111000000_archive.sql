create table public.archive (id bigint primary key, note text);
alter table public.archive enable row level security;
alter table public.archive add constraint archive_note_nn check (note is not null);
