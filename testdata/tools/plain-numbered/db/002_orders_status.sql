-- Run by hand with psql: each statement commits on its own, so CONCURRENTLY works here.
create index concurrently orders_status_idx on orders (status);
alter table orders add column note text;
