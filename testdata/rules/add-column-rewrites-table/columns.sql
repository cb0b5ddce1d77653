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

-- A default calling a function the set declares without IMMUTABLE or STABLE (so VOLATILE).
create function public.next_code() returns text language sql as $$ select md5(random()::text) $$;
-- expect: add-column-rewrites-table
alter table public.orders add column code text default public.next_code();

-- A default calling a function migcheck knows nothing about: functions are VOLATILE by default.
-- expect: add-column-rewrites-table
alter table public.orders add column token text default make_token();

-- OK: declared STABLE / IMMUTABLE in the set, or a known non-volatile built-in.
create function public.default_region() returns text language sql stable as $$ select 'eu' $$;
alter table public.orders add column region text default public.default_region();
alter table public.orders add column created_at timestamptz default now();
alter table public.orders add column meta jsonb default jsonb_build_object('v', 1);
alter table public.orders add column owner uuid default auth.uid();
