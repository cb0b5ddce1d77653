-- expect: table-without-primary-key
create table public.page_views (path text not null, viewed_at timestamptz not null);

-- OK: column primary key.
create table public.a (id bigint primary key);
-- OK: table constraint (Prisma style).
CREATE TABLE "B" ("id" TEXT NOT NULL, CONSTRAINT "B_pkey" PRIMARY KEY ("id"));
-- OK: added later in the file.
create table public.c (id bigint not null);
alter table public.c add primary key (id);
-- OK: CREATE TABLE AS and partitions.
create table public.d as select 1 as x;
create table public.measurements_2024 partition of public.measurements for values from ('2024-01-01') to ('2025-01-01');
