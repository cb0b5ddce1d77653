-- peer: strong_migrations adding an index non-concurrently
create index concurrently users_email_idx on public.users (email);
