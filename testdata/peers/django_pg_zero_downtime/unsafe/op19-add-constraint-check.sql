-- peer: django-pg-zero-downtime-migrations #19 ALTER TABLE ADD CONSTRAINT CHECK
-- catch: constraint-without-not-valid
alter table public.accounts add constraint accounts_balance_check check (balance >= 0);
