-- peer: django-pg-zero-downtime-migrations #23 ALTER TABLE ADD CONSTRAINT PRIMARY KEY
-- catch: unique-constraint-without-index
alter table public.events add constraint events_pkey primary key (id);
