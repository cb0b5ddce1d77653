-- peer: squawk prefer-timestamp-tz
alter table public.accounts add column seen_at timestamptz;
