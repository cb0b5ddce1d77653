-- expect: exclude-constraint
alter table public.bookings add constraint bookings_no_overlap exclude using gist (room_id with =, during with &&);

-- OK: a new table.
create table public.slots (id bigint primary key, during tstzrange);
alter table public.slots add constraint slots_no_overlap exclude using gist (during with &&);
