-- DETACH PARTITION ... CONCURRENTLY takes SHARE UPDATE EXCLUSIVE on the parent and the
-- partition (PostgreSQL 14+), not ACCESS EXCLUSIVE: no lock timeout is needed for it.
alter table public.events detach partition public.events_2023 concurrently;
