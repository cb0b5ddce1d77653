create table public.items (id bigint primary key);
alter table public.items enable row level security;
