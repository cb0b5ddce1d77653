set lock_timeout = '5s';
alter table public.orders add column note text;
-- OK: grants and comments do no work.
comment on column public.orders.note is 'free text';
-- expect: statements-after-access-exclusive
alter table public.customers add column note text;
