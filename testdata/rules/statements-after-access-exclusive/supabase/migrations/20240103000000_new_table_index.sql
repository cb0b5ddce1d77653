set lock_timeout = '5s';
alter table public.orders add column shipment_id bigint;
create table public.shipments (id bigint primary key);
-- OK: an index on a table created in this file is built instantly.
create index shipments_id_idx on public.shipments (id);
