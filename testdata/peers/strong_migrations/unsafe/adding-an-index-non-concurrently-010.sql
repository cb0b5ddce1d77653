-- peer: strong_migrations adding an index non-concurrently
-- catch: require-concurrent-index
create index users_email_idx on public.users (email);
