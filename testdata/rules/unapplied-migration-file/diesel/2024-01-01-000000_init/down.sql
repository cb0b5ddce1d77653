drop table public.posts;
