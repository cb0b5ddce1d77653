-- peer: strong_migrations adding a primary key
-- catch: unique-constraint-without-index
alter table public.users add primary key (uid);
