drop table public.tags;
