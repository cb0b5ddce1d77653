-- peer: eugene E2 make_column_not_nullable_with_lock
-- catch: set-not-null
alter table public.items alter column sku set not null;
