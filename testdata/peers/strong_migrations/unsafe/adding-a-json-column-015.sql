-- peer: strong_migrations adding a json column
-- catch: prefer-jsonb
alter table public.users add column prefs json;
