-- peer: django-pg-zero-downtime-migrations #10/#23 PRIMARY KEY, its safe alternative (index first, then the constraint on it)
set lock_timeout = '2s';
create unique index concurrently events_id_idx on public.events (id);
alter table public.events add constraint events_pkey primary key using index events_id_idx;
