-- peer: squawk adding-serial-primary-key-field
-- catch: add-column-rewrites-table
alter table public.events add column id bigserial;
