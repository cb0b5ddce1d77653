create table public.a (id bigint primary key);
alter table public.a enable row level security;
