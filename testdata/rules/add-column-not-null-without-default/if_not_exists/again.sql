alter table public.orders add column if not exists note text;
-- The column exists now: PostgreSQL skips this statement (NOTICE only), nothing is added.
alter table public.orders add column if not exists note text not null;

-- A column that does not exist is added: reported.
-- expect: add-column-not-null-without-default
alter table public.orders add column if not exists channel text not null;
