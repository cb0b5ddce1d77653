-- OK: the value was added by an earlier migration.
update public.orders set status = 'refunded' where refunded_at is not null;
