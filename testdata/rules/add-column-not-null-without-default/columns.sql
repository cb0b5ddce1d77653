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
