-- peer: safe-pg-migrations Concurrent indexes, what it runs instead
create index concurrently index_users_on_email on public.users (email);
