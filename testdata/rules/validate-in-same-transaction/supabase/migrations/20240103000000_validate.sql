-- OK: validated in a later migration.
alter table public.orders validate constraint orders_qty_positive;
