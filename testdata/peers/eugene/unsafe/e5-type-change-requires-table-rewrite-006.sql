-- peer: eugene E5 type_change_requires_table_rewrite
-- catch: column-type-change
alter table public.items alter column qty type bigint;
