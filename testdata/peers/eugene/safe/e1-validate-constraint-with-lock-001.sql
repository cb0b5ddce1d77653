-- peer: eugene E1 validate_constraint_with_lock
alter table public.items add constraint items_price_pos check (price > 0) not valid;
