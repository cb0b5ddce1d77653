drop table public.archive;
create table public.archive (id bigint primary key, note text);
alter table public.archive enable row level security;
