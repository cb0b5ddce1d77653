-- peer: eugene E1 validate_constraint_with_lock
-- catch: constraint-without-not-valid
alter table public.items add constraint items_price_pos check (price > 0);
