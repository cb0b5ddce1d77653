set lock_timeout = '5s';
alter table public.orders add column status text;
-- OK: outside a transaction each statement commits (and releases its locks) on its own.
update public.orders set status = 'paid' where paid_at is not null;
