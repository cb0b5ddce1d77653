-- expect: table-rewrite-command
alter table public.events set tablespace fast_ssd;

-- expect: table-rewrite-command
alter table public.sessions set unlogged;

-- expect: table-rewrite-command
alter table public.sessions set logged;

-- expect: table-rewrite-command
alter table public.measurements detach partition public.measurements_2023;

-- OK: the concurrent form (PostgreSQL 14+).
alter table public.measurements detach partition public.measurements_2022 concurrently;

-- OK: a table created in this file is not in use yet.
create table public.scratch (id bigint primary key);
alter table public.scratch set unlogged;
vacuum full public.scratch;
cluster public.scratch using scratch_pkey;
