create table public.daily_stats (id bigint primary key, builds integer, ratio numeric(5, 2));
alter table public.daily_stats enable row level security;
