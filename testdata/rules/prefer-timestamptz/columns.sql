-- expect: prefer-timestamptz
create table public.events (id bigint primary key, created_at timestamp not null default now(), seen_at timestamp(3) without time zone);

-- expect: prefer-timestamptz
alter table public.events alter column created_at type timestamp;

-- OK: with time zone.
create table public.logs (id bigint primary key, at timestamptz, at2 timestamp with time zone, d date);
