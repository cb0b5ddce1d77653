-- OK: `private` is not served by the Data API (supabase/config.toml is absent: public only),
-- so no client request goes through this table's RLS.
create schema if not exists private;
create table private.jobs (id bigint primary key);
alter table private.jobs enable row level security;
