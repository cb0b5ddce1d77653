create table public.carts (id bigint primary key);
-- OK: a table created in this file.
alter table public.carts add column note text;

-- expect: lock-timeout-missing
alter table public.orders add column note text;

-- OK: reported once per file.
alter table public.orders drop column legacy;
