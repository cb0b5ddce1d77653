-- peer: strong_migrations adding an exclusion constraint
-- catch: exclude-constraint
alter table public.shifts add constraint shifts_no_overlap exclude using gist (worker with =, span with &&);
