drop table public.legacy;
