-- peer: django-pg-zero-downtime-migrations #4 DROP TABLE
-- also-reported: drop-table (migcheck reports losing a table's rows on purpose; the peer judges only the lock)
set lock_timeout = '2s';
drop table public.legacy_events;
