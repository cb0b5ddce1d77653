drop table public.cache;
