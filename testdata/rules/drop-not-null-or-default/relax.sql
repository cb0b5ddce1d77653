-- expect: drop-not-null-or-default
alter table public.orders alter column currency drop default;

-- expect: drop-not-null-or-default
alter table public.orders alter column note drop not null;

-- OK: a column added in this file.
alter table public.orders add column source text not null default 'web';
alter table public.orders alter column source drop default;
