create table public.scratch (id bigint primary key, label text);
create table public.cache (id bigint primary key, label text);
