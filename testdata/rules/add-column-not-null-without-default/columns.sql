-- expect: add-column-not-null-without-default
alter table public.orders add column currency text not null;

-- OK: a constant default.
alter table public.orders add column status text not null default 'new';

-- OK: nullable.
alter table public.orders add column note text;

-- OK: identity and serial columns fill themselves (add-column-rewrites-table reports the rewrite).
alter table public.orders add column seq bigint generated always as identity not null;

-- OK: a new table.
create table public.carts (id bigint primary key);
alter table public.carts add column owner uuid not null;

-- Django's AddField with a default: added with one, then the default dropped in the same file.
alter table public.orders add column region text default 'eu' not null;
-- expect: add-column-not-null-without-default
alter table public.orders alter column region drop default;

-- OK: a nullable column keeps accepting inserts that omit it.
alter table public.orders add column coupon text default 'none';
alter table public.orders alter column coupon drop default;
