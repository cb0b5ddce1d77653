-- peer: strong_migrations adding a column with a default value (PostgreSQL 11+)
alter table public.users add column locale text default 'en';
