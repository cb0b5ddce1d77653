-- expect: add-column-rewrites-table
alter table public.orders add column public_id uuid not null default gen_random_uuid();

-- expect: add-column-rewrites-table
alter table public.orders add column seq bigserial;

-- expect: add-column-rewrites-table
alter table public.orders add column n bigint generated always as identity;

-- expect: add-column-rewrites-table
alter table public.orders add column total_cents bigint generated always as ((total * 100)::bigint) stored;

-- OK: now() is stable and constants are stored once (PostgreSQL 11+).
alter table public.orders add column created_at timestamptz not null default now();
alter table public.orders add column status text not null default 'new';

-- OK: a new table.
create table public.carts (id bigint primary key);
alter table public.carts add column token uuid default gen_random_uuid();
