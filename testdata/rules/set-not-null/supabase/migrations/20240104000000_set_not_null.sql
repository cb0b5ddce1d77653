-- OK: validated in an earlier migration, so PostgreSQL 12+ skips the scan.
alter table public.items alter column sku set not null;

-- expect: set-not-null
alter table public.items alter column label set not null;
