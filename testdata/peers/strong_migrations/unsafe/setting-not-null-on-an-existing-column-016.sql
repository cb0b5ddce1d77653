-- peer: strong_migrations setting NOT NULL on an existing column
-- catch: set-not-null
alter table public.users alter column email set not null;
