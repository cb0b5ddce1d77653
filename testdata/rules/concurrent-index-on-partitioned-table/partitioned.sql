create table public.events (id bigint, at timestamptz not null) partition by range (at);
create table public.events_2026 partition of public.events
  for values from ('2026-01-01') to ('2027-01-01');

-- expect: concurrent-index-on-partitioned-table
create index concurrently events_at_idx on public.events (at);

-- OK: a partition is a plain table.
create index concurrently events_2026_at_idx on public.events_2026 (at);

-- OK: a table not created PARTITION BY.
create table public.logs (id bigint, at timestamptz);
create index concurrently logs_at_idx on public.logs (at);
