-- peer: squawk prefer-timestamp-tz
-- catch: prefer-timestamptz
alter table public.accounts add column seen_at timestamp;
