-- peer: eugene E11 added_serial_or_stored_generated_column
alter table public.items add column n bigint;
