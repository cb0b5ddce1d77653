-- peer: safe-pg-migrations Statement timeout (a NOT NULL scanned for under ACCESS EXCLUSIVE)
-- catch: set-not-null
alter table public.users alter column admin set not null;
