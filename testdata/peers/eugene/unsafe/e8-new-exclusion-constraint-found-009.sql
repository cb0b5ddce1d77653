-- peer: eugene E8 new_exclusion_constraint_found
-- catch: exclude-constraint
alter table public.bookings add constraint bookings_no_overlap exclude using gist (room with =, during with &&);
