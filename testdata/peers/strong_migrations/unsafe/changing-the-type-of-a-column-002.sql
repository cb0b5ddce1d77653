-- peer: strong_migrations changing the type of a column
-- catch: column-type-change
alter table public.users alter column age type smallint;
