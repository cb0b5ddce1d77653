-- peer: django-pg-zero-downtime-migrations #6 ALTER TABLE SET TABLESPACE
-- catch: table-rewrite-command, lock-timeout-missing
alter table public.accounts set tablespace archive;
