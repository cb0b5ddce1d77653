-- peer: squawk adding-primary-key-constraint
-- catch: unique-constraint-without-index
alter table public.events add primary key (id);
