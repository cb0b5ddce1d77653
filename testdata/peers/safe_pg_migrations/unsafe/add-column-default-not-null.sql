-- peer: safe-pg-migrations Safe add_column (default and NOT NULL in one statement, no lock timeout)
-- catch: lock-timeout-missing
alter table public.users add column admin boolean default false not null;
