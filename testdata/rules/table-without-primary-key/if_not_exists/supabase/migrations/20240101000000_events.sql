create table public.events (id bigint primary key, at timestamptz not null);
