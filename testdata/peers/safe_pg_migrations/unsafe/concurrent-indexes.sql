-- peer: safe-pg-migrations Concurrent indexes
-- catch: require-concurrent-index
create index index_users_on_email on public.users (email);
