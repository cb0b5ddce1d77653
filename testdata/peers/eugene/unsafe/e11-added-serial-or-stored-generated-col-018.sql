-- peer: eugene E11 added_serial_or_stored_generated_column
-- catch: add-column-rewrites-table
alter table public.items add column seq serial;
