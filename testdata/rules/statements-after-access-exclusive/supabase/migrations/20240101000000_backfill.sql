set lock_timeout = '5s';
alter table public.orders add column status text;
-- expect: statements-after-access-exclusive
update public.orders set status = 'paid' where paid_at is not null;
