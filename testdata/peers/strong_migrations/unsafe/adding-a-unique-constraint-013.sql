-- peer: strong_migrations adding a unique constraint
-- catch: unique-constraint-without-index
alter table public.users add constraint users_email_key unique (email);
