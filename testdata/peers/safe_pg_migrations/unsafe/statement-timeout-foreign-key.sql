-- peer: safe-pg-migrations Statement timeout (a foreign key validated under the lock)
-- catch: constraint-without-not-valid
alter table public.appointments add constraint appointments_patient_id_fkey foreign key (patient_id) references public.patients (id);
